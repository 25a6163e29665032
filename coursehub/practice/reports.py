"""Figures for the learner's own progress page, worked out from their sessions and journal."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from statistics import mean
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coursehub.accounts.models import User
from coursehub.core.extensions import db
from coursehub.practice.models import Context, JournalEntry, Outcome, PracticeSession


@dataclass(frozen=True)
class SessionChange:
    session: PracticeSession
    day: date
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class ProgressReport:
    pain_by_day: list[tuple[date, float, bool]]  # local day, average pain, practised that day
    changes: list[SessionChange]
    reps_left: int
    reps_right: int


def progress_report(user: User, zone: ZoneInfo) -> ProgressReport:
    sessions = list(
        db.session.scalars(
            select(PracticeSession)
            .where(PracticeSession.user_id == user.id, PracticeSession.outcome != Outcome.IN_PROGRESS)
            .order_by(PracticeSession.started_at)
            .options(selectinload(PracticeSession.exercises))
        )
    )
    entries = list(
        db.session.scalars(
            select(JournalEntry).where(JournalEntry.user_id == user.id).order_by(JournalEntry.noted_at)
        )
    )
    practice_days = {session.started_at.astimezone(zone).date() for session in sessions}
    scores: dict[date, list[int]] = defaultdict(list)
    for entry in entries:
        scores[entry.noted_at.astimezone(zone).date()].append(entry.score)
    pain_by_day = [
        (day, round(mean(values), 1), day in practice_days) for day, values in sorted(scores.items())
    ]
    linked: dict[tuple[int, Context], int] = {
        (entry.session_id, entry.context): entry.score for entry in entries if entry.session_id is not None
    }
    changes = [
        SessionChange(
            session,
            session.started_at.astimezone(zone).date(),
            linked.get((session.id, Context.BEFORE_PRACTICE)),
            linked.get((session.id, Context.AFTER_PRACTICE)),
        )
        for session in sessions
    ]
    exercises = [exercise for session in sessions for exercise in session.exercises]
    # Moves of both sides together count for each side: the balance is of work each side did.
    left = sum(e.reps_left + e.reps_both for e in exercises)
    right = sum(e.reps_right + e.reps_both for e in exercises)
    return ProgressReport(pain_by_day, changes, left, right)
