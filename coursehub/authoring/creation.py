"""New courses, modules and lessons made in the studio, and a course's settings, checked like files.

Each is built as the file object the importer reads and passed through the importer's own checks, so the
browser and ``flask courses import`` accept and refuse the same things with the same messages. Slugs are
identity and stay unique even against archived rows (the database enforces it too). New courses and
modules start as drafts; a new lesson appears where its module does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import func, select

from coursehub.authoring.lessons import EditError
from coursehub.authoring.validation import checked_course, checked_lesson, checked_module, lesson_sources
from coursehub.billing.products import sync_course_product
from coursehub.content.errors import ContentErrors
from coursehub.content.files import CourseFile
from coursehub.content.lesson_files import LessonFile
from coursehub.content.models import Access, Course, Lesson, Module
from coursehub.content.revisions import RevisionSource, record_revision
from coursehub.content.tables import SLUG
from coursehub.core.extensions import db


@dataclass(frozen=True)
class CourseDraft:
    slug: str
    title: str
    subtitle: str
    summary: str
    access: str  # "free" or "paid"
    price_cents: int
    currency: str


def _messages(errors: ContentErrors) -> list[str]:
    return [str(error) for error in errors.errors]


def _course_values(draft: CourseDraft, order: int, course: Course | None) -> dict[str, object]:
    others = db.session.execute(
        select(Course.position, Course.slug).where(Course.id != getattr(course, "id", 0))
    )
    candidate = CourseFile(
        slug=draft.slug,
        title=draft.title.strip(),
        subtitle=draft.subtitle.strip(),
        summary=draft.summary.strip(),
        access=draft.access,
        price=draft.price_cents,
        currency=draft.currency.strip(),
        order=order,
        modules=(),
    )
    try:
        return checked_course(candidate, {position: slug for position, slug in others})
    except ContentErrors as errors:
        raise EditError(_messages(errors)) from None


def _apply_course(course: Course, values: dict[str, object]) -> None:
    course.title, course.subtitle, course.summary = values["title"], values["subtitle"], values["summary"]
    course.access = Access(values["access"])
    course.price_cents, course.currency = values["price"], values["currency"]


def create_course(actor, draft: CourseDraft) -> Course:
    """A draft course at the end of the catalog (with its product when paid). :raise EditError:"""
    slug = draft.slug.strip()
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise EditError([f"the slug {slug!r} is already used by another course (archived ones count)"])
    order = (db.session.scalar(select(func.max(Course.position))) or 0) + 1
    values = _course_values(replace(draft, slug=slug), order, None)
    course = Course(slug=slug, position=order)
    _apply_course(course, values)
    db.session.add(course)
    db.session.flush()
    sync_course_product(course)
    return course


def update_course(actor, course: Course, title: str, subtitle: str, summary: str, price_cents: int) -> None:
    """Title, subtitle, summary, and the price of a paid course. Free or paid is not changed here: it
    decides who holds access, so it changes only through the course files. :raise EditError:"""
    draft = CourseDraft(
        course.slug,
        title,
        subtitle,
        summary,
        course.access.value,
        price_cents if not course.is_free else 0,
        course.currency,
    )
    _apply_course(course, _course_values(draft, course.position, course))
    db.session.flush()
    sync_course_product(course)


def create_module(actor, course: Course, slug: str, title: str, summary: str) -> Module:
    """A draft module after the course's last one. :raise EditError:"""
    slug = slug.strip()
    if not SLUG.fullmatch(slug):
        raise EditError([f"the slug {slug!r} is not a slug (lowercase words joined by -)"])
    taken = db.session.scalar(select(Module.id).where(Module.course_id == course.id, Module.slug == slug))
    if taken is not None:
        raise EditError([f"the module slug {slug!r} is already used in this course (archived ones count)"])
    position = (
        db.session.scalar(
            select(func.max(Module.position)).where(
                Module.course_id == course.id, Module.archived_at.is_(None)
            )
        )
        or 0
    ) + 1
    module = Module(course=course, slug=slug, position=position, title="", summary="", drip_days=0)
    try:
        values = checked_module(module, title.strip(), summary.strip(), 0)
    except ContentErrors as errors:
        raise EditError(_messages(errors)) from None
    for name, value in values.items():
        setattr(module, name, value)
    db.session.add(module)
    db.session.flush()
    return module


def create_lesson(actor, module: Module, slug: str, title: str, body: str) -> Lesson:
    """A text lesson at the end of ``module`` (video and captions are uploaded afterwards).

    :raise EditError: the importer's messages for the lesson file it would be.
    """
    slug = slug.strip()
    all_lessons = list(db.session.scalars(select(Lesson).where(Lesson.course_id == module.course_id)))
    if any(lesson.slug == slug and lesson.archived_at is not None for lesson in all_lessons):
        raise EditError([f"the lesson slug {slug!r} belongs to an archived lesson of this course"])
    positions = [lesson.position for lesson in all_lessons if lesson.module_id == module.id]
    candidate = LessonFile(
        slug=slug,
        position=max(positions, default=0) + 1,
        title=title.strip(),
        video=None,
        duration=0,
        preview=False,
        captions=None,
        routine=(),
        body_markdown=body.replace("\r\n", "\n").strip(),
        body_html="",
        source=Path(),
    )
    try:
        checked = checked_lesson(candidate, module, lesson_sources(all_lessons))
    except ContentErrors as errors:
        raise EditError(_messages(errors)) from None
    lesson = Lesson(
        course=module.course,
        module=module,
        slug=checked.slug,
        position=checked.position,
        title=checked.title,
        duration_seconds=0,
        is_preview=False,
        routine=[],
        body_markdown=checked.body_markdown,
        body_html=checked.body_html,
    )
    db.session.add(lesson)
    db.session.flush()
    record_revision(lesson, RevisionSource.BROWSER, "created in the studio", author=actor)
    db.session.flush()
    return lesson
