"""The learner's dashboard, built in a fixed number of queries however many courses and lessons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coursehub.content.models import Course, Lesson, Module, Quiz
from coursehub.content.queries import published_modules_clause
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.access import open_course_ids
from coursehub.learning.models import Certificate, Enrollment
from coursehub.learning.progress import CourseProgress, progress_for
from coursehub.quizzes.services import passed_quiz_ids


@dataclass(frozen=True)
class DashboardRow:
    course: Course
    has_access: bool
    progress: CourseProgress
    last_activity_at: datetime | None
    resume_lesson: Lesson | None
    resume_seconds: int
    next_lesson: Lesson | None
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
    lessons = list(
        db.session.scalars(
            select(Lesson)
            .join(Module, Lesson.module_id == Module.id)
            .where(
                Lesson.course_id.in_(course_ids),
                Lesson.archived_at.is_(None),
                *published_modules_clause(utcnow()),
            )
            .order_by(Lesson.course_id, Module.position, Lesson.position)
        )
    )
    progress = progress_for(user, [lesson.id for lesson in lessons])
    certificates = {
        c.course_id: c
        for c in db.session.scalars(
            select(Certificate).where(Certificate.user_id == user.id, Certificate.course_id.in_(course_ids))
        )
    }
    quizzes = db.session.execute(
        select(Quiz.id, Module.course_id)
        .join(Module, Quiz.module_id == Module.id)
        .where(
            Module.course_id.in_(course_ids), Quiz.archived_at.is_(None), *published_modules_clause(utcnow())
        )
    ).all()
    passed = passed_quiz_ids(user, [quiz_id for quiz_id, _ in quizzes])
    quiz_counts: dict[int, tuple[int, int]] = {}
    for quiz_id, course_id in quizzes:
        total, done = quiz_counts.get(course_id, (0, 0))
        quiz_counts[course_id] = (total + 1, done + (quiz_id in passed))
    open_ids = open_course_ids(user, [enrollment.course for enrollment in enrollments])
    by_course: dict[int, list[Lesson]] = {}
    for lesson in lessons:
        by_course.setdefault(lesson.course_id, []).append(lesson)
    return [
        _row(
            enrollment,
            by_course.get(enrollment.course_id, []),
            progress,
            quiz_counts.get(enrollment.course_id, (0, 0)),
            certificates.get(enrollment.course_id),
            enrollment.course_id in open_ids,
        )
        for enrollment in enrollments
    ]


def _row(
    enrollment: Enrollment,
    lessons: list[Lesson],
    progress,
    quizzes: tuple[int, int],
    certificate,
    has_access: bool,
) -> DashboardRow:
    done = {lesson.id for lesson in lessons if lesson.id in progress and progress[lesson.id].completed_at}
    resume = next((lesson for lesson in lessons if lesson.id == enrollment.last_lesson_id), None)
    resume_seconds = int(progress[resume.id].position_seconds) if resume and resume.id in progress else 0
    start = lessons.index(resume) if resume else 0
    upcoming = lessons[start + 1 :] + lessons[: start + 1] if resume else lessons
    next_lesson = next((lesson for lesson in upcoming if lesson.id not in done), None)
    quiz_total, quizzes_passed = quizzes
    return DashboardRow(
        course=enrollment.course,
        has_access=has_access,
        progress=CourseProgress(len(done), len(lessons), quizzes_passed, quiz_total),
        last_activity_at=enrollment.last_activity_at,
        resume_lesson=resume,
        resume_seconds=resume_seconds,
        next_lesson=next_lesson,
        certificate=certificate,
    )
