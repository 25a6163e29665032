"""The studio's home: every course with its modules, where each stands and what it still lacks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coursehub.authoring.status import Status, status_of
from coursehub.content.models import Course, Lesson, Module, Quiz
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db

MIN_LESSON_WORDS = 150


def word_count(markdown: str) -> int:
    return len(markdown.split())


def lesson_gaps(lesson: Lesson) -> list[str]:
    """What a lesson still lacks before learners should see it, in the author's words."""
    gaps = []
    if not lesson.video_ref:
        gaps.append(f"{lesson.title}: no video")
    elif not lesson.captions_ref:
        gaps.append(f"{lesson.title}: no captions")
    words = word_count(lesson.body_markdown)
    if words < MIN_LESSON_WORDS:
        gaps.append(f"{lesson.title}: {words} words (under {MIN_LESSON_WORDS})")
    return gaps


def current_lessons(module: Module) -> list[Lesson]:
    return [lesson for lesson in module.lessons if lesson.archived_at is None]


def module_gaps(module: Module) -> list[str]:
    gaps = [] if module.quiz is not None and module.quiz.archived_at is None else ["no quiz"]
    lessons = current_lessons(module)
    if not lessons:
        gaps.append("no lessons")
    for lesson in lessons:
        gaps.extend(lesson_gaps(lesson))
    return gaps


def course_gaps(course: Course) -> list[str]:
    modules = [module for module in course.modules if module.archived_at is None]
    if not modules:
        return ["no modules"]
    return [f"{module.title}: {gap}" for module in modules for gap in module_gaps(module)]


@dataclass(frozen=True)
class ModuleRow:
    module: Module
    status: Status
    lessons: int
    questions: int  # in the quiz's pool; 0 without a quiz
    gaps: list[str]
    last_change: datetime


@dataclass(frozen=True)
class CourseRow:
    course: Course
    status: Status
    modules: list[ModuleRow]


def studio_overview(now: datetime | None = None) -> list[CourseRow]:
    """Every course (archived ones last), in five queries whatever the size of the catalog."""
    now = now or utcnow()
    courses = db.session.scalars(
        select(Course)
        .order_by(Course.archived_at.is_not(None), Course.position)
        .options(
            selectinload(Course.modules).selectinload(Module.lessons),
            selectinload(Course.modules).selectinload(Module.quiz).selectinload(Quiz.questions),
        )
    ).all()
    return [
        CourseRow(course, status_of(course, now), [_module_row(module, now) for module in course.modules])
        for course in courses
    ]


def _module_row(module: Module, now: datetime) -> ModuleRow:
    lessons = current_lessons(module)
    quiz = module.quiz if module.quiz is not None and module.quiz.archived_at is None else None
    return ModuleRow(
        module=module,
        status=status_of(module, now),
        lessons=len(lessons),
        questions=len([q for q in quiz.questions if q.archived_at is None]) if quiz else 0,
        gaps=module_gaps(module),
        last_change=max([module.updated_at, *(lesson.updated_at for lesson in lessons)]),
    )
