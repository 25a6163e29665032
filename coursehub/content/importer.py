"""Bringing the validated course files into the database in one transaction.

Rows are matched by slug (course; module within its course; lesson within its course, so a lesson can
move between modules; question id within its quiz). Changed fields are updated in place; what the
files no longer contain is archived, never deleted; what comes back is restored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coursehub.content.files import CourseFile, LessonFile, ModuleFile, QuestionFile, QuizFile
from coursehub.content.models import Access, Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.content.revisions import RevisionSource, record_revision
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db

KINDS = ("courses", "modules", "lessons", "quizzes", "questions", "products")


@dataclass
class ImportReport:
    added: Counter = field(default_factory=Counter)
    changed: Counter = field(default_factory=Counter)
    archived: Counter = field(default_factory=Counter)
    published: Counter = field(default_factory=Counter)

    @property
    def is_noop(self) -> bool:
        return not (self.added or self.changed or self.archived or self.published)

    def lines(self) -> list[str]:
        def describe(counter: Counter) -> str:
            parts = [f"{counter[kind]} {kind}" for kind in KINDS if counter[kind]]
            return ", ".join(parts) or "nothing"

        lines = [
            f"added: {describe(self.added)}",
            f"changed: {describe(self.changed)}",
            f"archived: {describe(self.archived)}",
        ]
        if self.published:
            lines.append(f"published: {describe(self.published)}")
        return lines


def _apply(row: Any, values: dict[str, Any]) -> bool:
    """Set the attributes that differ; report whether any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


class _Importer:
    def __init__(self, report: ImportReport, now: datetime, publish: bool):
        self.report, self.now, self.publish = report, now, publish

    def upsert(self, kind: str, row: Any | None, make: Callable[[], Any], values: dict[str, Any]) -> Any:
        if row is None:
            row = make()
            _apply(row, values)
            db.session.add(row)
            self.report.added[kind] += 1
            return row
        restored = row.archived_at is not None
        if restored:
            row.archived_at = None
        if _apply(row, values) or restored:
            self.report.changed[kind] += 1
        return row

    def archive(self, kind: str, rows: Iterable[Any]) -> None:
        for row in rows:
            if row.archived_at is None:
                row.archived_at = self.now
                self.report.archived[kind] += 1

    def publish_row(self, kind: str, row: Any) -> None:
        if self.publish and row.published_at is None:
            row.published_at = self.now
            self.report.published[kind] += 1


def import_catalog(
    courses: Iterable[CourseFile],
    publish: bool = False,
    now: datetime | None = None,
    on_course: Callable[[CourseFile], None] | None = None,
) -> ImportReport:
    """Create or update rows for ``courses``; flush, never commit.

    :param publish: also publish courses and modules that are still drafts (the offline demo does).
    :param on_course: called after each course, for a progress bar.
    """
    report, now = ImportReport(), now or utcnow()
    importer = _Importer(report, now, publish)
    existing = {
        course.slug: course
        for course in db.session.scalars(
            select(Course).options(
                selectinload(Course.modules).selectinload(Module.quiz).selectinload(Quiz.questions),
                selectinload(Course.modules).selectinload(Module.lessons),
            )
        )
    }
    seen: set[str] = set()
    for course_file in courses:
        seen.add(course_file.slug)
        _import_course(importer, course_file, existing.get(course_file.slug))
        if on_course:
            on_course(course_file)
    importer.archive("courses", (course for slug, course in existing.items() if slug not in seen))
    db.session.flush()
    return report


def _import_course(importer: _Importer, course_file: CourseFile, course: Course | None) -> None:
    course = importer.upsert(
        "courses",
        course,
        lambda: Course(slug=course_file.slug),
        {
            "title": course_file.title,
            "subtitle": course_file.subtitle,
            "summary": course_file.summary,
            "access": Access(course_file.access),
            "price_cents": course_file.price,
            "currency": course_file.currency,
            "position": course_file.order,
        },
    )
    importer.publish_row("courses", course)
    modules = {module.slug: module for module in course.modules}
    lessons = {lesson.slug: lesson for module in course.modules for lesson in module.lessons}
    seen_modules: set[str] = set()
    seen_lessons: set[str] = set()
    for module_file in course_file.modules:
        seen_modules.add(module_file.slug)
        module = _import_module(importer, course, module_file, modules.get(module_file.slug))
        for lesson_file in module_file.lessons:
            seen_lessons.add(lesson_file.slug)
            _import_lesson(importer, course, module, lesson_file, lessons.get(lesson_file.slug))
    importer.archive("modules", (m for slug, m in modules.items() if slug not in seen_modules))
    importer.archive("lessons", (lesson for slug, lesson in lessons.items() if slug not in seen_lessons))


def _import_module(
    importer: _Importer, course: Course, module_file: ModuleFile, module: Module | None
) -> Module:
    module = importer.upsert(
        "modules",
        module,
        lambda: Module(course=course, slug=module_file.slug),
        {
            "position": module_file.position,
            "title": module_file.title,
            "summary": module_file.summary,
            "drip_days": module_file.drip_days,
        },
    )
    importer.publish_row("modules", module)
    _import_quiz(importer, module, module_file.quiz)
    return module


def _import_lesson(
    importer: _Importer, course: Course, module: Module, lesson_file: LessonFile, lesson: Lesson | None
) -> None:
    """A lesson whose text changed keeps the new text as a revision, and learners see it was updated."""
    before = (lesson.title, lesson.body_markdown) if lesson is not None else None
    lesson = importer.upsert(
        "lessons",
        lesson,
        lambda: Lesson(course=course, slug=lesson_file.slug),
        {
            "module": module,
            "position": lesson_file.position,
            "title": lesson_file.title,
            "video_ref": lesson_file.video,
            "captions_ref": lesson_file.captions,
            "duration_seconds": lesson_file.duration,
            "is_preview": lesson_file.preview,
            "routine": [step.as_json() for step in lesson_file.routine],
            "body_markdown": lesson_file.body_markdown,
            "body_html": lesson_file.body_html,
        },
    )
    if before is not None and before != (lesson.title, lesson.body_markdown):
        lesson.revised_at = importer.now
        db.session.flush()  # the revision takes the next number after any earlier one
        record_revision(lesson, RevisionSource.IMPORT, "imported from the course files")


def _import_quiz(importer: _Importer, module: Module, quiz_file: QuizFile | None) -> None:
    quiz = module.quiz
    if quiz_file is None:
        if quiz is not None:
            importer.archive("quizzes", [quiz])
        return
    quiz = importer.upsert(
        "quizzes",
        quiz,
        lambda: Quiz(module=module),
        {
            "title": quiz_file.title,
            "pass_mark": quiz_file.pass_mark,
            "max_attempts": quiz_file.max_attempts,
            "wait_minutes": quiz_file.wait_minutes,
            "draw": quiz_file.draw,
            "partial_credit": quiz_file.partial_credit,
            "reveal": quiz_file.reveal,
        },
    )
    questions = {question.key: question for question in quiz.questions}
    for position, question_file in enumerate(quiz_file.questions, start=1):
        importer.upsert(
            "questions",
            questions.pop(question_file.id, None),
            lambda q=question_file: QuizQuestion(quiz=quiz, key=q.id),
            _question_values(question_file, position),
        )
    importer.archive("questions", questions.values())


def apply_quiz(module: Module, quiz_file: QuizFile, now: datetime | None = None) -> ImportReport:
    """Update one module's quiz from a checked quiz file, as an import would; flush, never commit."""
    report = ImportReport()
    _import_quiz(_Importer(report, now or utcnow(), publish=False), module, quiz_file)
    db.session.flush()
    return report


def _question_values(question: QuestionFile, position: int) -> dict[str, Any]:
    answer = list(question.answer) if isinstance(question.answer, tuple) else question.answer
    return {
        "position": position,
        "kind": question.type,
        "prompt": question.prompt,
        "options": [list(option) for option in question.options],
        "answer": answer,
        "explanation": question.explanation,
        "lesson_slug": question.lesson,
        "at_seconds": question.at,
    }
