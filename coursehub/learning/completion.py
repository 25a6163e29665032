"""When a course counts as finished, and issuing its certificate then."""

from __future__ import annotations

from sqlalchemy import select

from coursehub.content.models import Course, Lesson, Module, Quiz
from coursehub.content.queries import published_modules_clause
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.certificates import issue_certificate
from coursehub.learning.progress import completed_lesson_ids
from coursehub.quizzes.services import passed_quiz_ids


def course_lesson_ids(course: Course) -> list[int]:
    """The lessons a learner must finish: current lessons of the course's published modules."""
    return list(
        db.session.scalars(
            select(Lesson.id)
            .join(Module, Lesson.module_id == Module.id)
            .where(
                Lesson.course_id == course.id,
                Lesson.archived_at.is_(None),
                *published_modules_clause(utcnow()),
            )
        )
    )


def course_quiz_ids(course: Course) -> list[int]:
    """The quizzes a learner must pass: one per published module that has one with questions."""
    return list(
        db.session.scalars(
            select(Quiz.id)
            .join(Module, Quiz.module_id == Module.id)
            .where(
                Module.course_id == course.id, Quiz.archived_at.is_(None), *published_modules_clause(utcnow())
            )
        )
    )


def finish_if_complete(user, course: Course):
    """Issue the certificate once every lesson is complete and every module quiz passed.

    :return: the certificate, or None while something is left.
    """
    lesson_ids, quiz_ids = course_lesson_ids(course), course_quiz_ids(course)
    if not lesson_ids or len(completed_lesson_ids(user, lesson_ids)) < len(lesson_ids):
        return None
    if len(passed_quiz_ids(user, quiz_ids)) < len(quiz_ids):
        return None
    return issue_certificate(user, course)
