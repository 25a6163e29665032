"""Read-side queries for the catalog pages, each a fixed number of SQL statements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import contains_eager, defer, joinedload

from coursehub.content.models import Course, Lesson, Module
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db


@dataclass(frozen=True)
class CourseCard:
    course: Course
    module_count: int
    lesson_count: int
    video_seconds: int


def visible_courses(now: datetime | None = None):
    """Published, not archived: what the public catalog shows. ``now`` may be a bind parameter."""
    now = utcnow() if now is None else now
    return select(Course).where(
        Course.archived_at.is_(None), Course.published_at.is_not(None), Course.published_at <= now
    )


def published_modules_clause(now: datetime):
    return (Module.archived_at.is_(None), Module.published_at.is_not(None), Module.published_at <= now)


def catalog_cards(now: datetime | None = None) -> list[CourseCard]:
    """Every visible course with its published module and lesson counts and total video time."""
    now = now or utcnow()
    courses = list(db.session.scalars(visible_courses(now).order_by(Course.position)))
    counts = db.session.execute(
        select(
            Module.course_id,
            func.count(func.distinct(Module.id)),
            func.count(Lesson.id),
            func.coalesce(func.sum(Lesson.duration_seconds), 0),
        )
        .join(Lesson, (Lesson.module_id == Module.id) & Lesson.archived_at.is_(None), isouter=True)
        .where(*published_modules_clause(now), Module.course_id.in_([c.id for c in courses]))
        .group_by(Module.course_id)
    ).all()
    by_course = {course_id: (modules, lessons, seconds) for course_id, modules, lessons, seconds in counts}
    return [CourseCard(course, *by_course.get(course.id, (0, 0, 0))) for course in courses]


def next_publication(now: datetime) -> datetime | None:
    """The soonest scheduled time after ``now`` at which a course or module goes live, if any.

    Publishing at a time is only a future ``published_at`` (no write happens then), so whatever shows
    the catalog is true until this moment at most.
    """
    scheduled = [
        select(func.min(model.published_at))
        .where(model.archived_at.is_(None), model.published_at > now)
        .scalar_subquery()
        for model in (Course, Module)
    ]
    times = db.session.execute(select(*scheduled)).one()
    return min((moment for moment in times if moment is not None), default=None)


def course_by_slug(slug: str, now: datetime | None = None, include_drafts: bool = False) -> Course | None:
    """A visible course; with ``include_drafts`` (authors and admins) any course not archived."""
    query = select(Course).where(Course.archived_at.is_(None)) if include_drafts else visible_courses(now)
    return db.session.scalar(query.where(Course.slug == slug))


def _outline_options():
    """Modules with their current lessons (without bodies) and quiz, joined into the one statement."""
    # Archived lessons stay in the database for learners' progress, but not in the syllabus.
    return (
        joinedload(Module.lessons.and_(Lesson.archived_at.is_(None))).options(
            defer(Lesson.body_markdown), defer(Lesson.body_html)
        ),
        joinedload(Module.quiz),
    )


def syllabus(course: Course, now: datetime | None = None, include_drafts: bool = False) -> list[Module]:
    """The course's published modules (every current one for staff), with their current lessons, in order.

    One statement, without the lessons' bodies: outlines, paths and progress need titles and order; only
    the lesson page shows a body, and it loads its own lesson whole (``lesson_with_course``).
    """
    now = now or utcnow()
    shown = (Module.archived_at.is_(None),) if include_drafts else published_modules_clause(now)
    return list(
        db.session.scalars(
            select(Module)
            .where(Module.course_id == course.id, *shown)
            .order_by(Module.position)
            .options(*_outline_options())
        ).unique()
    )


def lesson_with_course(
    course_slug: str, lesson_slug: str, now: datetime | None = None, include_drafts: bool = False
) -> tuple[Course, Lesson] | None:
    """A current lesson of a visible course (any course not archived, for staff), with its module, found in
    one statement.

    Whether its module is shown is the syllabus's and the access rule's question, not this one's.
    """
    parameters = {"course_slug": course_slug, "lesson_slug": lesson_slug}
    if not include_drafts:
        parameters["now"] = now or utcnow()
    found = db.session.execute(_lesson_with_course_query(include_drafts), parameters).first()
    return (found[0], found[1]) if found is not None else None


@cache
def _lesson_with_course_query(include_drafts: bool):
    """Built once with parameters: every lesson view runs it, and building it cost more than a tenth of
    the page (bench/README.md)."""
    if include_drafts:
        courses = select(Course).where(Course.archived_at.is_(None))
    else:
        courses = visible_courses(bindparam("now", type_=Course.__table__.c.published_at.type))
    return (
        courses.add_columns(Lesson)
        .join(Lesson, Lesson.course_id == Course.id)
        .join(Module, Module.id == Lesson.module_id)
        .options(contains_eager(Lesson.module))  # the access rule and the page read it
        .where(
            Course.slug == bindparam("course_slug"),
            Lesson.slug == bindparam("lesson_slug"),
            Lesson.archived_at.is_(None),
        )
    )
