"""Free-to-paid conversion: what became of the learners who started the free course in a period.

- *started*: an enrollment in a free course with its date in the period;
- *finished*: every live lesson of that free course completed;
- *bought within N days*: a paid order of any paid product, paid within N days after the start;
- *stopped at*: for those who never bought, the last free lesson they opened (none: never opened one);
- per paid course, its buyers in the period who had started the free course before paying, and the rest.
A fixed handful of queries whatever the number of learners; the grouping is done in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import and_, case, distinct, exists, func, select

from coursehub.admin.periods import Period
from coursehub.billing.models import Order, OrderStatus, product_courses
from coursehub.content.models import Access, Course, Lesson
from coursehub.core.extensions import db
from coursehub.learning.models import Enrollment, LessonProgress

WINDOWS = (7, 30, 90)


@dataclass
class Conversion:
    started: int
    finished: int
    bought_within: dict[int, int]
    stopped_at: list[tuple[str, int]]
    per_course: list[tuple[str, int, int]]  # (course, through the free course, directly)


def _free_starts(period: Period):
    return (
        select(Enrollment.user_id, Enrollment.course_id, Enrollment.enrolled_at, Enrollment.last_lesson_id)
        .join(Course, Course.id == Enrollment.course_id)
        .where(
            Course.access == Access.FREE,
            Enrollment.enrolled_at >= period.start,
            Enrollment.enrolled_at < period.end,
        )
        .subquery("starts")
    )


def _ever_bought(starts):
    return exists().where(
        Order.user_id == starts.c.user_id,
        Order.status == OrderStatus.PAID,
        Order.paid_at >= starts.c.enrolled_at,
    )


def conversion(period: Period) -> Conversion:
    starts = _free_starts(period)
    lessons_total = (
        select(func.count(Lesson.id))
        .where(Lesson.course_id == starts.c.course_id, Lesson.archived_at.is_(None))
        .scalar_subquery()
    )
    lessons_done = (
        select(func.count(LessonProgress.id))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .where(
            LessonProgress.user_id == starts.c.user_id,
            Lesson.course_id == starts.c.course_id,
            Lesson.archived_at.is_(None),
            LessonProgress.completed_at.is_not(None),
        )
        .scalar_subquery()
    )
    row = db.session.execute(
        select(
            func.count(),
            func.sum(case((and_(lessons_total > 0, lessons_done >= lessons_total), 1), else_=0)),
        ).select_from(starts)
    ).one()
    started, finished = int(row[0]), int(row[1] or 0)
    paid_after = db.session.execute(
        select(starts.c.user_id, starts.c.enrolled_at, func.min(Order.paid_at))
        .join(Order, and_(Order.user_id == starts.c.user_id, Order.status == OrderStatus.PAID))
        .where(Order.paid_at >= starts.c.enrolled_at)
        .group_by(starts.c.user_id, starts.c.enrolled_at)
    ).all()
    # Interval arithmetic differs between databases: each start's first purchase is compared in Python.
    bought_within = {
        days: sum(1 for _user, began, first in paid_after if first - began < timedelta(days=days))
        for days in WINDOWS
    }
    stopped = db.session.execute(
        select(func.coalesce(Lesson.title, "(no lesson opened)"), func.count())
        .select_from(starts)
        .outerjoin(Lesson, Lesson.id == starts.c.last_lesson_id)
        .where(~_ever_bought(starts))
        .group_by(Lesson.title, Lesson.position)
        .order_by(func.count().desc())
    ).all()
    return Conversion(started, finished, bought_within, [(t, int(n)) for t, n in stopped], per_course(period))


def per_course(period: Period) -> list[tuple[str, int, int]]:
    """Buyers of each paid course in the period: through the free course first, or directly."""
    came_through_free = exists().where(
        Enrollment.user_id == Order.user_id,
        Enrollment.enrolled_at <= Order.paid_at,
        Enrollment.course_id.in_(select(Course.id).where(Course.access == Access.FREE)),
    )
    rows = db.session.execute(
        select(
            Course.title,
            func.count(distinct(case((came_through_free, Order.user_id)))),
            func.count(distinct(case((~came_through_free, Order.user_id)))),
        )
        .select_from(Order)
        .join(product_courses, product_courses.c.product_id == Order.product_id)
        .join(Course, Course.id == product_courses.c.course_id)
        .where(Order.status == OrderStatus.PAID, Order.paid_at >= period.start, Order.paid_at < period.end)
        .group_by(Course.id, Course.title, Course.position)
        .order_by(Course.position)
    ).all()
    return [(title, int(free), int(direct)) for title, free, direct in rows]
