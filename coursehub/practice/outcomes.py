"""Outcome figures for the author: anonymised, opt-in, and never for a group of fewer than five learners.

A learner counts for a course (and for a module of it) when they opted in to sharing and ended at least
one session with an exercise from it. Two figures per group:

- pain change: the learner's average pain in the 14 days from their first such session, against their
  average in the 14 days up to their latest journal entry; only learners whose two windows don't overlap
  give a change. The group's figure is the mean of the learners' changes (negative is less pain).
- adherence: of the learner's chosen practice days in the last weeks (as on their progress page), the share
  with practice; only learners who chose practice days give one.

A figure with fewer than ``MIN_GROUP`` learners behind it is not shown at all, not even the count. Only
group means leave this module: no name, id or single learner's value.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from statistics import fmean

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coursehub.content.models import Course, Lesson, Module
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.practice.models import JournalEntry, Outcome, PracticeProfile, PracticeSession
from coursehub.practice.profile import zone_of
from coursehub.practice.reports import weekly_adherence

MIN_GROUP = 5
WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Figure:
    """A group mean, or None when fewer than ``MIN_GROUP`` learners are behind it."""

    value: float | None
    learners: int | None


@dataclass(frozen=True)
class GroupOutcome:
    course: Course
    module: Module | None  # None: the whole course
    shown: bool  # False: fewer than MIN_GROUP learners; nothing else is given
    pain_change: Figure
    adherence: Figure


def _figure(values: list[float]) -> Figure:
    if len(values) < MIN_GROUP:
        return Figure(None, None)
    return Figure(round(fmean(values), 1), len(values))


def _pain_change(scores: list[tuple[datetime, int]], first_session: datetime) -> float | None:
    if not scores:
        return None
    latest = max(moment for moment, _ in scores)
    if latest - WINDOW < first_session + WINDOW:
        return None
    early = [s for moment, s in scores if first_session <= moment < first_session + WINDOW]
    late = [s for moment, s in scores if latest - WINDOW < moment <= latest]
    return fmean(late) - fmean(early) if early and late else None


def author_outcomes(now: datetime | None = None) -> list[GroupOutcome]:
    """One row per course with opted-in practice, then one per module of it, in syllabus order."""
    now = now or utcnow()
    profiles = {
        p.user_id: p
        for p in db.session.scalars(select(PracticeProfile).where(PracticeProfile.outcomes_opt_in))
    }
    if not profiles:
        return []
    sessions = db.session.scalars(
        select(PracticeSession)
        .where(PracticeSession.user_id.in_(profiles), PracticeSession.outcome != Outcome.IN_PROGRESS)
        .order_by(PracticeSession.started_at)
        .options(selectinload(PracticeSession.exercises))
    )
    lesson_ids = set()
    by_user: dict[int, list[PracticeSession]] = defaultdict(list)
    for session in sessions:
        by_user[session.user_id].append(session)
        lesson_ids.update(e.lesson_id for e in session.exercises if e.lesson_id is not None)
    lessons = {
        lesson_id: (course_id, module_id)
        for lesson_id, course_id, module_id in db.session.execute(
            select(Lesson.id, Lesson.course_id, Lesson.module_id).where(Lesson.id.in_(lesson_ids))
        )
    }
    scores: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for user_id, moment, score in db.session.execute(
        select(JournalEntry.user_id, JournalEntry.noted_at, JournalEntry.score).where(
            JournalEntry.user_id.in_(by_user)
        )
    ):
        scores[user_id].append((moment, score))

    changes: dict[tuple, list[float]] = defaultdict(list)
    adherence: dict[tuple, list[float]] = defaultdict(list)
    members: dict[tuple, set[int]] = defaultdict(set)
    for user_id, own in by_user.items():
        first_in: dict[tuple, datetime] = {}
        for session in own:
            for exercise in session.exercises:
                if exercise.lesson_id in lessons:
                    course_id, module_id = lessons[exercise.lesson_id]
                    for key in ((course_id, None), (course_id, module_id)):
                        first_in.setdefault(key, session.started_at)
        share = _adherence(profiles[user_id], own, now)
        for key, first in first_in.items():
            members[key].add(user_id)
            change = _pain_change(scores[user_id], first)
            if change is not None:
                changes[key].append(change)
            if share is not None:
                adherence[key].append(share)
    return _rows(members, changes, adherence)


def _adherence(profile: PracticeProfile, sessions: list[PracticeSession], now: datetime) -> float | None:
    if not profile.practice_days:
        return None
    zone = zone_of(profile)
    days = {session.started_at.astimezone(zone).date() for session in sessions}
    weeks = weekly_adherence(profile.practice_days, days, min(days), now.astimezone(zone).date())
    chosen = sum(week.chosen for week in weeks)
    return 100 * sum(week.practised for week in weeks) / chosen if chosen else None


def _rows(members, changes, adherence) -> list[GroupOutcome]:
    course_ids = {course_id for course_id, _ in members}
    rows = []
    for course in db.session.scalars(
        select(Course).where(Course.id.in_(course_ids)).order_by(Course.position)
    ):
        for module in (None, *course.modules):
            key = (course.id, module.id if module else None)
            if key not in members:
                continue
            shown = len(members[key]) >= MIN_GROUP
            rows.append(
                GroupOutcome(
                    course,
                    module,
                    shown,
                    _figure(changes[key]) if shown else Figure(None, None),
                    _figure(adherence[key]) if shown else Figure(None, None),
                )
            )
    return rows
