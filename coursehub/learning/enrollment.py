"""Enrolling and the entitlements behind access: start the free course, grant and revoke by hand.

Every verb is idempotent and flushes; the caller commits. Rows are written by single upserts
(``INSERT ... ON CONFLICT``), so two requests racing (a double click on Start, a webhook beside the
success page) meet in the database instead of failing on a unique key. Revoking never touches progress,
so a later grant brings the learner back to where they were.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, select, update
from sqlalchemy.dialects import postgresql, sqlite

from coursehub.content.models import Course
from coursehub.core.audit import record_audit
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.access_log import log_access_change
from coursehub.learning.models import (
    AccessHold,
    Enrollment,
    Entitlement,
    EntitlementSource,
    EntitlementStatus,
)


class EnrollmentError(Exception):
    """The request can't be carried out; the message says why."""


def _insert(model):
    insert = postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert
    return insert(model)


def enroll(user_id: int, course_id: int, now: datetime | None = None) -> None:
    """Create the learner's enrollment unless it exists; the first one keeps its date (the drip clock)."""
    statement = _insert(Enrollment).values(user_id=user_id, course_id=course_id, enrolled_at=now or utcnow())
    db.session.execute(statement.on_conflict_do_nothing(index_elements=["user_id", "course_id"]))


def upsert_entitlement(
    user_id: int,
    course_id: int,
    source: EntitlementSource,
    status: EntitlementStatus,
    reason: str,
    order_id: int | None = None,
    actor: str = "",
) -> None:
    """Set the status of one entitlement row, creating it on first use.

    Order rows are keyed by (order, course); the free course and manual grants by (user, course, source).
    ``status_changed_at`` moves only when the status does, so it says when access last changed.
    """
    now = utcnow()
    key = (
        (Entitlement.order_id == order_id)
        if order_id is not None
        else (
            (Entitlement.user_id == user_id) & (Entitlement.source == source) & Entitlement.order_id.is_(None)
        )
    )
    before = db.session.scalar(select(Entitlement.status).where(key, Entitlement.course_id == course_id))
    statement = _insert(Entitlement).values(
        user_id=user_id,
        course_id=course_id,
        source=source,
        status=status,
        order_id=order_id,
        reason=reason[:300],
        actor=actor[:255],
        created_at=now,
        status_changed_at=now,
    )
    old, new = Entitlement.__table__.c, statement.excluded
    changes = {
        "status": new.status,
        "reason": new.reason,
        "actor": new.actor,
        "status_changed_at": case(
            (old.status != new.status, new.status_changed_at), else_=old.status_changed_at
        ),
    }
    if order_id is not None:
        statement = statement.on_conflict_do_update(index_elements=["order_id", "course_id"], set_=changes)
    else:
        statement = statement.on_conflict_do_update(
            index_elements=["user_id", "course_id", "source"],
            index_where=old.order_id.is_(None),
            set_=changes,
        )
    db.session.execute(statement)
    log_access_change(user_id, course_id, str(source), before and str(before), str(status), order_id, reason)
    if status is EntitlementStatus.ACTIVE:
        enroll(user_id, course_id, now)
    db.session.flush()


def start_free_course(user, course: Course) -> None:
    """:raise EnrollmentError: when the course is not free (paid courses open through a purchase)."""
    if not course.is_free:
        raise EnrollmentError("This course is not free: it opens when you buy it.")
    upsert_entitlement(user.id, course.id, EntitlementSource.FREE, EntitlementStatus.ACTIVE, "free course")


def _check_reason(reason: str, verb: str) -> None:
    if not reason.strip():
        raise EnrollmentError(f"Give a reason for the {verb}; it is kept with the learner's access.")


def grant_access(user, course: Course, reason: str, actor: str) -> None:
    """Give access by hand (support, comps): lifts a standing hold and activates the learner's grant row.

    The grant is its own source, so it keeps the course open whatever later happens to the learner's
    orders, until someone revokes by hand. ``actor`` names who granted (an admin's email, or the shell);
    the grant goes into the audit log with the reason.
    """
    _check_reason(reason, "grant")
    now = utcnow()
    lifted = db.session.execute(
        update(AccessHold)
        .where(
            AccessHold.user_id == user.id, AccessHold.course_id == course.id, AccessHold.lifted_at.is_(None)
        )
        .values(lifted_at=now, lifted_by=actor[:255])
        .returning(AccessHold.id)
        .execution_options(synchronize_session=False)
    ).first()
    if lifted is not None:
        log_access_change(user.id, course.id, "hold", "held", "lifted", reason=reason)
    upsert_entitlement(
        user.id, course.id, EntitlementSource.GRANT, EntitlementStatus.ACTIVE, reason, actor=actor
    )
    record_audit(actor, "access.grant", ("user", user.id), reason, {"course": course.slug})


def revoke_access(user, course: Course, reason: str, actor: str) -> bool:
    """Shut the course by hand: a hold that wins over every purchase until someone grants again.

    Purchase rows keep following the money (a later refund or dispute still applies to them), but no
    Stripe event can reopen the course while the hold stands. :return: False when a hold already stood.
    """
    _check_reason(reason, "revocation")
    db.session.execute(
        update(Entitlement)
        .where(
            Entitlement.user_id == user.id,
            Entitlement.course_id == course.id,
            Entitlement.source == EntitlementSource.GRANT,
            Entitlement.status != EntitlementStatus.REVOKED,
        )
        .values(
            status=EntitlementStatus.REVOKED,
            reason=reason[:300],
            actor=actor[:255],
            status_changed_at=utcnow(),
        )
        .execution_options(synchronize_session=False)
    )
    statement = _insert(AccessHold).values(
        user_id=user.id, course_id=course.id, reason=reason[:300], actor=actor[:255], created_at=utcnow()
    )
    created = db.session.execute(
        statement.on_conflict_do_nothing(
            index_elements=["user_id", "course_id"], index_where=AccessHold.__table__.c.lifted_at.is_(None)
        ).returning(AccessHold.__table__.c.id)
    ).scalar_one_or_none()  # no row back when a hold already stood (rowcount is not reliable here)
    if created is not None:
        log_access_change(user.id, course.id, "hold", "lifted", "held", reason=reason)
    details = {"course": course.slug, "new_hold": created is not None}
    record_audit(actor, "access.revoke", ("user", user.id), reason, details)
    db.session.flush()
    return created is not None


def standing_hold(user, course: Course) -> AccessHold | None:
    return db.session.scalar(
        select(AccessHold).where(
            AccessHold.user_id == user.id, AccessHold.course_id == course.id, AccessHold.lifted_at.is_(None)
        )
    )
