"""What learning holds about a learner, for the data download and for deleting the account."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import delete, select

from coursehub.accounts.data_rights import register_personal_data
from coursehub.content.models import Course, Lesson
from coursehub.core.extensions import db
from coursehub.learning.models import Certificate, Enrollment, Entitlement, LessonProgress


def export_learning(user) -> dict[str, Any]:
    enrollments = db.session.execute(
        select(Enrollment, Course.slug)
        .join(Course)
        .where(Enrollment.user_id == user.id)
        .order_by(Enrollment.id)
    )
    progress = db.session.execute(
        select(LessonProgress, Course.slug, Lesson.slug)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(LessonProgress.user_id == user.id)
        .order_by(LessonProgress.id)
    )
    access = db.session.execute(
        select(Entitlement, Course.slug)
        .join(Course)
        .where(Entitlement.user_id == user.id)
        .order_by(Entitlement.id)
    )
    certificates = db.session.execute(
        select(Certificate, Course.slug).join(Course).where(Certificate.user_id == user.id)
    )
    return {
        "enrollments": [
            {"course": slug, "enrolled_at": row.enrolled_at, "last_activity_at": row.last_activity_at}
            for row, slug in enrollments
        ],
        "progress": [
            {
                "course": course,
                "lesson": lesson,
                "position_seconds": row.position_seconds,
                "furthest_seconds": row.furthest_seconds,
                "completed_at": row.completed_at,
                "updated_at": row.updated_at,
            }
            for row, course, lesson in progress
        ],
        "access": [
            {"course": slug, "source": row.source.value, "status": row.status.value, "since": row.created_at}
            for row, slug in access
        ],
        "certificates": [
            {"course": slug, "code": row.code, "name": row.name_on_certificate, "issued_at": row.issued_at}
            for row, slug in certificates
        ],
    }


def erase_learning(user) -> None:
    """Progress, enrollments, certificates and access rows go; the learner no longer exists to hold them."""
    for model in (LessonProgress, Certificate, Enrollment, Entitlement):
        db.session.execute(
            delete(model).where(model.user_id == user.id).execution_options(synchronize_session=False)
        )


def register(app: Flask) -> None:
    register_personal_data(app, "learning", export_learning, erase_learning)
