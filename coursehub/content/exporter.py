"""Writing the database back to course files: the inverse of the importer."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coursehub.content.files import (
    CourseFile,
    LessonFile,
    ModuleFile,
    QuestionFile,
    QuizFile,
    RoutineStep,
    dump_catalog,
    module_folder_name,
)
from coursehub.content.lesson_files import lesson_file_name
from coursehub.content.models import Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.core.extensions import db


def export_catalog(root: Path) -> tuple[CourseFile, ...]:
    """Write every current (not archived) course under ``root``; return what was written."""
    courses = db.session.scalars(
        select(Course)
        .where(Course.archived_at.is_(None))
        .order_by(Course.position)
        .options(
            selectinload(Course.modules).selectinload(Module.lessons),
            selectinload(Course.modules).selectinload(Module.quiz).selectinload(Quiz.questions),
        )
    )
    files = tuple(_course_file(course) for course in courses)
    dump_catalog(files, root)
    return files


def _current(rows):
    return [row for row in rows if row.archived_at is None]


def _course_file(course: Course) -> CourseFile:
    return CourseFile(
        slug=course.slug,
        title=course.title,
        subtitle=course.subtitle,
        summary=course.summary,
        access=course.access.value,
        price=course.price_cents,
        currency=course.currency,
        order=course.position,
        modules=tuple(_module_file(course, module) for module in _current(course.modules)),
    )


def _module_file(course: Course, module: Module) -> ModuleFile:
    module_file = ModuleFile(
        slug=module.slug,
        position=module.position,
        title=module.title,
        summary=module.summary,
        drip_days=module.drip_days,
        lessons=(),
        quiz=None,
    )
    folder = Path(course.slug) / module_folder_name(module_file)
    quiz = module.quiz if module.quiz is not None and module.quiz.archived_at is None else None
    return replace(
        module_file,
        lessons=tuple(_lesson_file(folder, lesson) for lesson in _current(module.lessons)),
        quiz=quiz_file(quiz) if quiz else None,
    )


def _lesson_file(folder: Path, lesson: Lesson) -> LessonFile:
    lesson_file = LessonFile(
        slug=lesson.slug,
        position=lesson.position,
        title=lesson.title,
        video=lesson.video_ref,
        duration=lesson.duration_seconds,
        preview=lesson.is_preview,
        captions=lesson.captions_ref,
        routine=tuple(RoutineStep.from_json(step) for step in lesson.routine),
        body_markdown=lesson.body_markdown,
        body_html=lesson.body_html,
        source=Path(),
    )
    # The file name follows from the lesson itself; the loader records it relative to the root.
    return replace(lesson_file, source=folder / lesson_file_name(lesson_file))


def quiz_file(quiz: Quiz) -> QuizFile:
    """The quiz as its file would hold it (the studio edits it in this form)."""
    return QuizFile(
        title=quiz.title,
        pass_mark=quiz.pass_mark,
        max_attempts=quiz.max_attempts,
        wait_minutes=quiz.wait_minutes,
        draw=quiz.draw,
        partial_credit=quiz.partial_credit,
        reveal=quiz.reveal,
        questions=tuple(_question_file(q) for q in _current(quiz.questions)),
    )


def _question_file(question: QuizQuestion) -> QuestionFile:
    answer = tuple(question.answer) if isinstance(question.answer, list) else question.answer
    return QuestionFile(
        id=question.key,
        type=question.kind,
        prompt=question.prompt,
        options=tuple((option_id, text) for option_id, text in question.options),
        answer=answer,
        explanation=question.explanation,
        lesson=question.lesson_slug,
        at=question.at_seconds,
    )
