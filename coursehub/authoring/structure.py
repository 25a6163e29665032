"""The shape of a course: module settings, the order of modules and lessons, and each module's quiz."""

from __future__ import annotations

from sqlalchemy import select

from coursehub.authoring.lessons import EditError
from coursehub.authoring.validation import checked_module, checked_quiz
from coursehub.content.errors import ContentErrors
from coursehub.content.importer import ImportReport, apply_quiz
from coursehub.content.models import Lesson, Module
from coursehub.core.extensions import db

UP, DOWN = "up", "down"


def _messages(errors: ContentErrors) -> list[str]:
    return [str(error) for error in errors.errors]


def update_module(actor, module: Module, title: str, summary: str, drip_days: int) -> None:
    """:raise EditError: with the importer's module.toml messages."""
    try:
        values = checked_module(module, title.strip(), summary.strip(), drip_days)
    except ContentErrors as errors:
        raise EditError(_messages(errors)) from None
    for name, value in values.items():
        setattr(module, name, value)
    db.session.flush()


def _swap(rows: list, row, direction: str) -> bool:
    """Swap ``row`` with its neighbour; False at either end (nothing to do)."""
    index = rows.index(row)
    other = index - 1 if direction == UP else index + 1
    if other < 0 or other >= len(rows):
        return False
    rows[index].position, rows[other].position = rows[other].position, rows[index].position
    db.session.flush()
    return True


def move_module(actor, module: Module, direction: str) -> bool:
    siblings = list(
        db.session.scalars(
            select(Module)
            .where(Module.course_id == module.course_id, Module.archived_at.is_(None))
            .order_by(Module.position)
        )
    )
    return _swap(siblings, module, direction)


def _lessons_of(module: Module) -> list[Lesson]:
    return list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.module_id == module.id, Lesson.archived_at.is_(None))
            .order_by(Lesson.position)
        )
    )


def move_lesson(actor, lesson: Lesson, direction: str) -> bool:
    return _swap(_lessons_of(lesson.module), lesson, direction)


def order_lessons(actor, module: Module, slugs: list[str]) -> None:
    """Drag and drop sends the whole new order; it must name each current lesson exactly once.

    :raise EditError: when it does not (a stale page, or a lesson added meanwhile).
    """
    lessons = _lessons_of(module)
    by_slug = {lesson.slug: lesson for lesson in lessons}
    if sorted(slugs) != sorted(by_slug):
        raise EditError(["The lessons of this module changed meanwhile. Reload the studio and try again."])
    positions = sorted(lesson.position for lesson in lessons)
    for position, slug in zip(positions, slugs, strict=True):
        by_slug[slug].position = position
    db.session.flush()


def save_quiz(actor, module: Module, text: str) -> ImportReport:
    """Replace the module's quiz from its quiz.toml text, checked and applied exactly as an import would.

    :raise EditError: with the importer's quiz.toml messages.
    """
    durations = {
        lesson.slug: lesson.duration_seconds
        for lesson in db.session.scalars(
            select(Lesson).where(Lesson.course_id == module.course_id, Lesson.archived_at.is_(None))
        )
    }
    try:
        quiz_file = checked_quiz(text.replace("\r\n", "\n"), module, durations)
    except ContentErrors as errors:
        raise EditError(_messages(errors)) from None
    return apply_quiz(module, quiz_file)
