"""Practice sessions: started from the learner's routine, ended with what was done per side.

The routine is copied into the session when it starts, so editing the routine mid-session changes
nothing already under way. A session ends exactly once (a conditional UPDATE decides which request
ends it). "Sharp pain - stop" ends it too; the third such stop within 14 days mails the learner advice
to pause and see a clinician, at most once per 14 days.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update

from coursehub.accounts.models import User
from coursehub.content.models import Course
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.core.templating import external_url
from coursehub.mail.services import queue_mail
from coursehub.practice.errors import Conflict, NotFound, PracticeError
from coursehub.practice.models import (
    MAX_REPS_DONE,
    Outcome,
    PracticeProfile,
    PracticeSession,
    SessionExercise,
)
from coursehub.practice.profile import profile_of
from coursehub.practice.routines import planned_routine
from coursehub.practice.safety import cleared_course_ids

SHARP_PAIN_WINDOW = timedelta(days=14)
SHARP_PAIN_STOPS = 3
SIDES_DONE = {"left": ("left",), "right": ("right",), "both": ("both",), "each": ("left", "right")}
ENDINGS = {"done": Outcome.COMPLETED, "stop": Outcome.STOPPED, "sharp-pain": Outcome.SHARP_PAIN}


class NotCleared(PracticeError):
    """Practice is closed for a course in the routine until its screening is done and clear."""

    status = 403

    def __init__(self, course: Course):
        super().__init__(f"Please complete the safety check for {course.title} before you practise.")
        self.course = course


@dataclass(frozen=True)
class Ending:
    session: PracticeSession
    pause_mail_sent: bool


def start_session(user: User) -> PracticeSession:
    """:raise PracticeError: an empty routine. :raise NotCleared: a course of the routine is not cleared."""
    planned = planned_routine(user)
    if not planned:
        raise PracticeError("Add at least one exercise to your routine first.")
    cleared = cleared_course_ids(user, {p.course.id for p in planned})
    for entry in planned:
        if entry.course.id not in cleared:
            raise NotCleared(entry.course)
    session = PracticeSession(user_id=user.id, outcome=Outcome.IN_PROGRESS)
    session.exercises = [
        SessionExercise(
            position=position,
            lesson_id=entry.lesson.id,
            exercise=entry.step.exercise,
            side=entry.step.side,
            reps_planned=entry.item.reps,
            hold_seconds=entry.step.hold_seconds,
            reps_left=0,
            reps_right=0,
            reps_both=0,
        )
        for position, entry in enumerate(planned, start=1)
    ]
    db.session.add(session)
    db.session.flush()
    return session


def own_session(user: User, session_id: int) -> PracticeSession:
    """:raise NotFound: no such session, or another learner's (the same answer for both)."""
    session = db.session.get(PracticeSession, session_id) if 0 < session_id < 2**31 else None
    if session is None or session.user_id != user.id:
        raise NotFound("We couldn't find that practice session.")
    return session


def finish_session(
    user: User, session_id: int, ending: str, done: Mapping[tuple[int, str], int], now: datetime | None = None
) -> Ending:
    """End a running session, recording the repetitions done of each exercise per side.

    :param ending: ``done``, ``stop`` or ``sharp-pain``.
    :param done: repetitions by (exercise position, side); a side the exercise does not use must be 0.
    :raise PracticeError: bad counts. :raise Conflict: the session already ended. :raise NotFound.
    """
    outcome = ENDINGS.get(ending)
    if outcome is None:
        raise PracticeError("Choose how the session ended.")
    session = own_session(user, session_id)
    counts = _checked_counts(session, done)
    now = now or utcnow()
    ended = db.session.execute(
        update(PracticeSession)
        .where(PracticeSession.id == session.id, PracticeSession.outcome == Outcome.IN_PROGRESS)
        .values(outcome=outcome, ended_at=now)
        .execution_options(synchronize_session=False)
    )
    if ended.rowcount != 1:
        raise Conflict("This session has already ended.")
    db.session.refresh(session)
    for exercise in session.exercises:
        for side in ("left", "right", "both"):
            setattr(exercise, f"reps_{side}", counts.get((exercise.position, side), 0))
    db.session.flush()
    mailed = outcome is Outcome.SHARP_PAIN and _advise_pause_if_due(user, now)
    return Ending(session, mailed)


def _checked_counts(
    session: PracticeSession, done: Mapping[tuple[int, str], int]
) -> dict[tuple[int, str], int]:
    sides = {exercise.position: SIDES_DONE[exercise.side] for exercise in session.exercises}
    counts = {}
    for (position, side), reps in done.items():
        if not 0 <= reps <= MAX_REPS_DONE:
            raise PracticeError(f"Repetitions done must be between 0 and {MAX_REPS_DONE}.")
        if reps and side not in sides.get(position, ()):
            raise PracticeError("Repetitions were given for a side that exercise does not use.")
        counts[(position, side)] = reps
    return counts


def _advise_pause_if_due(user: User, now: datetime) -> bool:
    """Mail the pause advice on the third sharp-pain stop within the window, once per window.

    The profile row is locked (on PostgreSQL) so two stops ending at once send one mail.
    """
    profile_of(user)
    profile = db.session.scalar(
        select(PracticeProfile).where(PracticeProfile.user_id == user.id).with_for_update()
    )
    since = now - SHARP_PAIN_WINDOW
    stops = db.session.scalar(
        select(func.count(PracticeSession.id)).where(
            PracticeSession.user_id == user.id,
            PracticeSession.outcome == Outcome.SHARP_PAIN,
            PracticeSession.ended_at >= since,
        )
    )
    already = profile.pause_advice_sent_at is not None and profile.pause_advice_sent_at >= since
    if stops < SHARP_PAIN_STOPS or already:
        return False
    profile.pause_advice_sent_at = now
    queue_mail(
        user.email,
        "Time to pause your practice and see a clinician",
        "practice_pause_advice",
        name=user.display_name,
        stops=stops,
        practice_url=external_url("practice.home"),
    )
    return True


def recent_sessions(user: User, limit: int = 10) -> list[PracticeSession]:
    return list(
        db.session.scalars(
            select(PracticeSession)
            .where(PracticeSession.user_id == user.id)
            .order_by(PracticeSession.started_at.desc(), PracticeSession.id.desc())
            .limit(limit)
        )
    )
