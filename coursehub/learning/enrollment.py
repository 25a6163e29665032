"""Enrolling and the entitlements behind access: start the free course, grant and revoke.

Every verb is idempotent and flushes; the caller commits. Revoking never touches progress, so a later
grant brings the learner back to where they were.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.content.models import Course
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import Enrollment, Entitlement, EntitlementSource, EntitlementStatus


class EnrollmentError(Exception):
    """The request can't be carried out; the message says why."""


def enroll(user, course: Course, now: datetime | None = None) -> Enrollment:
    """The learner's enrollment in ``course``, created on first call (safe against a concurrent twin)."""
    existing = db.session.scalar(
        select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
    )
    if existing is not None:
        return existing
    enrollment = Enrollment(user_id=user.id, course_id=course.id, enrolled_at=now or utcnow())
    try:
        with db.session.begin_nested():
            db.session.add(enrollment)
    except IntegrityError:
        return db.session.scalar(
            select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
        )
    return enrollment


def _set_entitlement(
    user,
    course: Course,
    source: EntitlementSource,
    status: EntitlementStatus,
    reason: str,
    order_id: int | None = None,
) -> Entitlement:
    entitlement = db.session.scalar(
        select(Entitlement).where(
            Entitlement.user_id == user.id, Entitlement.course_id == course.id, Entitlement.source == source
        )
    )
    if entitlement is None:
        entitlement = Entitlement(user_id=user.id, course_id=course.id, source=source, order_id=order_id)
        db.session.add(entitlement)
    if entitlement.status != status or entitlement.id is None:
        entitlement.status_changed_at = utcnow()
    entitlement.status, entitlement.reason = status, reason[:300]
    db.session.flush()
    return entitlement


def start_free_course(user, course: Course) -> Enrollment:
    """:raise EnrollmentError: when the course is not free (paid courses open through a purchase)."""
    if not course.is_free:
        raise EnrollmentError("This course is not free: it opens when you buy it.")
    _set_entitlement(user, course, EntitlementSource.FREE, EntitlementStatus.ACTIVE, "free course")
    return enroll(user, course)


def grant_access(user, course: Course, reason: str) -> Entitlement:
    """Give access by hand (support, comps, or before payments exist); enrolls if needed."""
    if not reason.strip():
        raise EnrollmentError("Give a reason for the grant; it is kept with the entitlement.")
    entitlement = _set_entitlement(user, course, EntitlementSource.GRANT, EntitlementStatus.ACTIVE, reason)
    enroll(user, course)
    return entitlement


def revoke_access(user, course: Course, reason: str) -> int:
    """End every active entitlement the learner holds to ``course``; return how many ended."""
    if not reason.strip():
        raise EnrollmentError("Give a reason for the revocation; it is kept with the entitlement.")
    active = db.session.scalars(
        select(Entitlement).where(
            Entitlement.user_id == user.id,
            Entitlement.course_id == course.id,
            Entitlement.status == EntitlementStatus.ACTIVE,
        )
    ).all()
    for entitlement in active:
        entitlement.status, entitlement.reason = EntitlementStatus.REVOKED, reason[:300]
        entitlement.status_changed_at = utcnow()
    db.session.flush()
    return len(active)
