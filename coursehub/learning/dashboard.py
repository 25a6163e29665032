"""The learner's dashboard, built in a fixed number of queries however many courses and lessons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager, joinedload

from coursehub.content.models import Course, Lesson, Module, Quiz
from coursehub.content.queries import published_modules_clause
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.access import open_course_ids
from coursehub.learning.models import Certificate, Enrollment
from coursehub.learning.path import LESSON, CoursePath, PathItem, Section, build_path
from coursehub.learning.progress import CourseProgress, progress_for
from coursehub.quizzes.services import passed_quiz_ids


@dataclass(frozen=True)
class DashboardRow:
    course: Course
    has_access: bool
    progress: CourseProgress
    last_activity_at: datetime | None
    resume: PathItem | None  # the lesson last opened, while it is unfinished
    resume_seconds: int
    next_item: PathItem | None  # the first unfinished lesson or quiz after the last one opened
    finish_url: str
    certificate: Certificate | None


def dashboard_for(user) -> list[DashboardRow]:
    enrollments = list(
        db.session.scalars(
            select(Enrollment)
            .where(Enrollment.user_id == user.id)
            .options(joinedload(Enrollment.course))
            .order_by(Enrollment.last_activity_at.desc().nulls_last(), Enrollment.enrolled_at.desc())
        )
    )
    course_ids = [enrollment.course_id for enrollment in enrollments]
    if not course_ids:
        return []
    now = utcnow()
    lessons = list(
        db.session.scalars(
            select(Lesson)
            .join(Module, Lesson.module_id == Module.id)
            .where(
                Lesson.course_id.in_(course_ids), Lesson.archived_at.is_(None), *published_modules_clause(now)
            )
            .order_by(Lesson.course_id, Module.position, Lesson.position)
            .options(contains_eager(Lesson.module))
        )
    )
    quizzes = list(
        db.session.scalars(
            select(Quiz)
            .join(Module, Quiz.module_id == Module.id)
            .where(
                Module.course_id.in_(course_ids), Quiz.archived_at.is_(None), *published_modules_clause(now)
            )
            .options(contains_eager(Quiz.module))
        )
    )
    progress = progress_for(user, [lesson.id for lesson in lessons])
    passed = passed_quiz_ids(user, [quiz.id for quiz in quizzes])
    certificates = {
        c.course_id: c
        for c in db.session.scalars(
            select(Certificate).where(Certificate.user_id == user.id, Certificate.course_id.in_(course_ids))
        )
    }
    open_ids = open_course_ids(user, [enrollment.course for enrollment in enrollments])
    rows = []
    for enrollment in enrollments:
        path = build_path(
            enrollment.course, _sections(enrollment.course_id, lessons, quizzes), progress, passed
        )
        rows.append(
            _row(
                enrollment,
                path,
                progress,
                certificates.get(enrollment.course_id),
                enrollment.course_id in open_ids,
            )
        )
    return rows


def _sections(course_id: int, lessons: list[Lesson], quizzes: list[Quiz]) -> list[Section]:
    """The course's modules in order, each with its lessons and quiz, from the rows loaded for all courses."""
    modules: dict[int, Module] = {}
    by_module: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        if lesson.course_id == course_id:
            modules[lesson.module_id] = lesson.module
            by_module.setdefault(lesson.module_id, []).append(lesson)
    quiz_of = {quiz.module_id: quiz for quiz in quizzes if quiz.module.course_id == course_id}
    modules.update({quiz.module_id: quiz.module for quiz in quiz_of.values()})
    ordered = sorted(modules.values(), key=lambda module: module.position)
    return [(module, by_module.get(module.id, []), quiz_of.get(module.id)) for module in ordered]


def _row(enrollment: Enrollment, path: CoursePath, progress, certificate, has_access: bool) -> DashboardRow:
    last = enrollment.last_lesson_id
    index = path.index_of(LESSON, last) if last is not None else None
    resume = path.items[index] if index is not None and not path.items[index].done else None
    resume_seconds = int(progress[last].position_seconds) if resume and last in progress else 0
    following = path.next_unfinished(LESSON, last) if index is not None else path.next_unfinished()
    return DashboardRow(
        course=enrollment.course,
        has_access=has_access,
        progress=path.progress,
        last_activity_at=enrollment.last_activity_at,
        resume=resume,
        resume_seconds=resume_seconds,
        next_item=following if following != resume else None,
        finish_url=path.finish_url(),
        certificate=certificate,
    )
