"""When a course counts as finished, and issuing its certificate then."""

from __future__ import annotations

from sqlalchemy import select

from coursehub.catalog.models import Course, Lesson, Module
from coursehub.catalog.queries import published_modules_clause
from coursehub.db_types import utcnow
from coursehub.extensions import db
from coursehub.learning.progress import completed_lesson_ids


def course_lesson_ids(course: Course) -> list[int]:
    """The lessons a learner must finish: current lessons of the course's published modules."""
    return list(db.session.scalars(
        select(Lesson.id).join(Module, Lesson.module_id == Module.id)
        .where(Lesson.course_id == course.id, Lesson.archived_at.is_(None),
               *published_modules_clause(utcnow()))))


def finish_if_complete(user, course: Course):
    """Issue the certificate once every lesson is complete. :return: the certificate, or None.

    Module quizzes join this condition when the quiz engine lands (issue: quizzes).
    """
    lesson_ids = course_lesson_ids(course)
    if not lesson_ids or len(completed_lesson_ids(user, lesson_ids)) < len(lesson_ids):
        return None
    from coursehub.learning.certificates import issue_certificate

    return issue_certificate(user, course)
