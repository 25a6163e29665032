"""Recording how far a learner got, in one atomic statement per report.

A heartbeat is an ``INSERT ... ON CONFLICT DO UPDATE`` whose SET clauses do the comparisons in the
database, so two reports racing on two app servers can't overwrite each other (no read-modify-write):
the furthest point only grows, completion is only ever set (undo is its own explicit verb), and the
resume position follows the report with the newest client timestamp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import Float, bindparam, case, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite

from coursehub.content.models import Lesson
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import Enrollment, LessonProgress

COMPLETE_FRACTION = 0.9
# A report this far past the furthest point still counts as watching (two missed 15 s heartbeats);
# anything beyond is a jump ahead, which moves the resume position but is not "watched".
WATCH_GAP_SECONDS = 31.0
DURATION_TOLERANCE = 1.0
# "Last active" is for the dashboard's order and the author's quiet-learner list (days): minutes will do.
ACTIVITY_RESOLUTION = timedelta(minutes=5)


class ProgressError(ValueError):
    """A report that makes no sense for this lesson; the message says which part."""


def check_position(lesson: Lesson, position) -> float:
    """:raise ProgressError: unless ``position`` is a finite number of seconds inside the video."""
    if not lesson.duration_seconds:
        raise ProgressError("this lesson has no video to report on; use Mark complete")
    if isinstance(position, bool) or not isinstance(position, int | float):
        raise ProgressError("position must be a number of seconds")
    value = float(position)
    if not math.isfinite(value) or value < 0:
        raise ProgressError("position must be a finite number of seconds, 0 or more")
    if value > lesson.duration_seconds + DURATION_TOLERANCE:
        raise ProgressError(f"position {value:g} is past the end of the video ({lesson.duration_seconds} s)")
    return min(value, float(lesson.duration_seconds))


def _insert_for_dialect():
    return postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert


@cache
def _heartbeat_upsert(dialect: str):
    """The heartbeat's statement, built once per dialect with its values as parameters: building the
    upsert anew took longer than running it (bench/README.md)."""
    table = LessonProgress.__table__
    old = table.c
    now = bindparam("now", type_=old.updated_at.type)
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table).values(
        user_id=bindparam("user_id"),
        lesson_id=bindparam("lesson_id"),
        position_seconds=bindparam("position"),
        furthest_seconds=bindparam("first_furthest"),
        reported_at_ms=bindparam("reported_at_ms"),
        updated_at=now,
        completed_at=bindparam("completed_at", type_=old.completed_at.type),
    )
    new = insert.excluded
    greatest = func.greatest if dialect == "postgresql" else func.max
    continuous = new.position_seconds <= old.furthest_seconds + WATCH_GAP_SECONDS
    furthest = case(
        (continuous, greatest(old.furthest_seconds, new.position_seconds)), else_=old.furthest_seconds
    )
    return insert.on_conflict_do_update(
        index_elements=["user_id", "lesson_id"],
        set_={
            "position_seconds": case(
                (new.reported_at_ms >= old.reported_at_ms, new.position_seconds), else_=old.position_seconds
            ),
            "reported_at_ms": greatest(old.reported_at_ms, new.reported_at_ms),
            "furthest_seconds": furthest,
            "completed_at": func.coalesce(
                old.completed_at,
                case((furthest >= bindparam("threshold", type_=Float()), now), else_=None),
            ),
            "updated_at": now,
        },
    ).returning(old.completed_at)


def record_heartbeat(
    user,
    lesson: Lesson,
    position: float,
    reported_at_ms: int,
    now: datetime | None = None,
    *,
    enrollment: Enrollment | None = None,
) -> bool:
    """Store one playback report (``position`` already checked). :return: whether it completed the lesson.

    ``enrollment`` is the learner's row as the caller just read it, if it did (see keep_enrollment_current).
    """
    now = now or utcnow()
    threshold = COMPLETE_FRACTION * lesson.duration_seconds
    first_furthest = position if position <= WATCH_GAP_SECONDS else 0.0
    statement = _heartbeat_upsert(db.session.get_bind().dialect.name)
    parameters = {
        "user_id": user.id,
        "lesson_id": lesson.id,
        "position": position,
        "first_furthest": first_furthest,
        "reported_at_ms": reported_at_ms,
        "now": now,
        "completed_at": now if first_furthest >= threshold else None,
        "threshold": threshold,
    }
    completed_at = db.session.execute(statement, parameters).scalar_one()
    keep_enrollment_current(user, lesson, enrollment, now)
    return completed_at is not None and completed_at == now


def set_completed(user, lesson: Lesson, done: bool, now: datetime | None = None) -> bool:
    """The learner's own "Mark complete" / "Not complete yet". :return: whether it is now complete."""
    now = now or utcnow()
    insert = _insert_for_dialect()(LessonProgress).values(
        user_id=user.id,
        lesson_id=lesson.id,
        position_seconds=0.0,
        furthest_seconds=0.0,
        reported_at_ms=0,
        updated_at=now,
        completed_at=now if done else None,
    )
    old = LessonProgress.__table__.c
    value = func.coalesce(old.completed_at, literal(now, old.completed_at.type)) if done else None
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["user_id", "lesson_id"], set_={"completed_at": value, "updated_at": now}
        )
    )
    touch_enrollment(user, lesson, now)
    return done


def keep_enrollment_current(user, lesson: Lesson, enrollment: Enrollment | None, now: datetime) -> bool:
    """Touch the enrollment unless ``enrollment`` (read in this request) already names this lesson and a
    recent activity: a page reloaded or a video reporting every 15 s writes at most once per
    ACTIVITY_RESOLUTION instead of on every request. Without a row read, it always writes.

    :return: whether it wrote.
    """
    if (
        enrollment is not None
        and enrollment.last_lesson_id == lesson.id
        and enrollment.last_activity_at is not None
        and now - enrollment.last_activity_at < ACTIVITY_RESOLUTION
    ):
        return False
    touch_enrollment(user, lesson, now)
    return True


def touch_enrollment(user, lesson: Lesson, now: datetime | None = None) -> None:
    """Remember the learner's last lesson and activity (one statement; enrolls on a first visit)."""
    now = now or utcnow()
    insert = _insert_for_dialect()(Enrollment).values(
        user_id=user.id,
        course_id=lesson.course_id,
        enrolled_at=now,
        last_activity_at=now,
        last_lesson_id=lesson.id,
    )
    db.session.execute(
        insert.on_conflict_do_update(
            index_elements=["user_id", "course_id"],
            set_={"last_activity_at": now, "last_lesson_id": lesson.id},
        )
    )


def progress_for(user, lesson_ids) -> dict[int, LessonProgress]:
    if not getattr(user, "is_authenticated", False) or not lesson_ids:
        return {}
    rows = db.session.scalars(
        select(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id.in_(list(lesson_ids))
        )
    )
    return {row.lesson_id: row for row in rows}


def completed_lesson_ids(user, lesson_ids) -> set[int]:
    return {lesson_id for lesson_id, row in progress_for(user, lesson_ids).items() if row.completed_at}


@dataclass(frozen=True)
class CourseProgress:
    """How far a learner is through a course: its lessons and its module quizzes both count."""

    lessons_done: int
    lessons_total: int
    quizzes_passed: int = 0
    quizzes_total: int = 0

    @property
    def percent(self) -> int:
        """Rounded down, so 100 means everything is done."""
        items = self.lessons_total + self.quizzes_total
        return 0 if items == 0 else math.floor(100 * (self.lessons_done + self.quizzes_passed) / items)
