"""The learner's dashboard, built in a fixed number of queries however many courses and lessons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from coursehub.content.models import Course
from coursehub.content.outline import course_outline
from coursehub.core.extensions import db
from coursehub.learning.access import open_course_ids
from coursehub.learning.models import Certificate, Enrollment
from coursehub.learning.path import LESSON, CoursePath, PathItem, build_path, learner_state
from coursehub.learning.progress import CourseProgress


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
    # Each course's outline from the cache (content.outline), as the lesson page reads it: no rows loaded.
    outlines = {enrollment.course_id: course_outline(enrollment.course) for enrollment in enrollments}
    sections = {
        course_id: [(module, list(module.lessons), module.quiz) for module in modules]
        for course_id, modules in outlines.items()
    }
    lessons = [lesson for modules in outlines.values() for module in modules for lesson in module.lessons]
    quizzes = [
        module.quiz
        for modules in outlines.values()
        for module in modules
        if module.quiz is not None and module.quiz.archived_at is None
    ]
    progress, passed = learner_state(user, [lesson.id for lesson in lessons], [quiz.id for quiz in quizzes])
    certificates = {
        c.course_id: c
        for c in db.session.scalars(
            select(Certificate).where(Certificate.user_id == user.id, Certificate.course_id.in_(course_ids))
        )
    }
    open_ids = open_course_ids(user, [enrollment.course for enrollment in enrollments])
    rows = []
    for enrollment in enrollments:
        path = build_path(enrollment.course, sections[enrollment.course_id], progress, passed)
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
