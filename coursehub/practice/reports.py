"""Figures for the learner's own progress page, worked out from their sessions and journal.

Days are the learner's local days. A practice day is a day with a session that ended (completed, stopped
or stopped for sharp pain); a session left running counts for nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import fmean
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coursehub.accounts.models import User
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.practice.models import Context, JournalEntry, Outcome, PracticeProfile, PracticeSession

ADHERENCE_WEEKS = 12


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
class WeekAdherence:
    """One week (Monday to Sunday): of the chosen practice days so far, how many had practice."""

    starts: date
    chosen: int  # chosen practice days in the week, up to today
    practised: int  # of those, the days with practice
    other_days: int  # days with practice that were not chosen ones

    @property
    def percent(self) -> int | None:
        return round(100 * self.practised / self.chosen) if self.chosen else None


@dataclass(frozen=True)
class ProgressReport:
    pain_by_day: list[tuple[date, float, bool]]  # local day, average pain, practised that day
    changes: list[SessionChange]
    reps_left: int
    reps_right: int
    weeks: list[WeekAdherence]  # oldest first; empty until the learner chooses practice days
    days_chosen: bool


def progress_report(
    user: User, zone: ZoneInfo, profile: PracticeProfile | None, today: date | None = None
) -> ProgressReport:
    """:param today: the learner's local today (for tests); the clock's when left out."""
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
        (day, round(fmean(values), 1), day in practice_days) for day, values in sorted(scores.items())
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
    mask = profile.practice_days if profile else 0
    first_day = min([*practice_days, *scores], default=None)
    today = today or utcnow().astimezone(zone).date()
    weeks = weekly_adherence(mask, practice_days, first_day, today) if mask else []
    return ProgressReport(pain_by_day, changes, left, right, weeks, bool(mask))


def weekly_adherence(
    mask: int, practised: set[date], first_day: date | None, today: date
) -> list[WeekAdherence]:
    """Weeks from the one of the learner's first session or entry to this one, the latest
    ``ADHERENCE_WEEKS`` of them. Days still to come this week are not counted as missed."""
    this_monday = today - timedelta(days=today.weekday())
    first_monday = (first_day or today) - timedelta(days=(first_day or today).weekday())
    first_monday = max(first_monday, this_monday - timedelta(weeks=ADHERENCE_WEEKS - 1))
    weeks = []
    monday = first_monday
    while monday <= this_monday:
        days = [monday + timedelta(days=n) for n in range(7) if monday + timedelta(days=n) <= today]
        chosen = [day for day in days if mask & (1 << day.weekday())]
        weeks.append(
            WeekAdherence(
                monday,
                len(chosen),
                sum(day in practised for day in chosen),
                sum(day in practised for day in days if day not in chosen),
            )
        )
        monday += timedelta(weeks=1)
    return weeks
