"""Turning an order's access state into entitlements for each of its courses."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.billing.models import AccessState, Order, ProductKind
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.enrollment import enroll
from coursehub.learning.models import Entitlement, EntitlementSource, EntitlementStatus

STATUS_FOR = {
    AccessState.ACTIVE: EntitlementStatus.ACTIVE,
    AccessState.SUSPENDED: EntitlementStatus.SUSPENDED,
    AccessState.REVOKED: EntitlementStatus.REVOKED,
}


def apply_access(order: Order, access: AccessState) -> None:
    """Grant, suspend or revoke the order's courses. Rows that another order owns are left alone."""
    if access is AccessState.NONE:
        return
    bundle = order.product.kind is ProductKind.BUNDLE
    source = EntitlementSource.BUNDLE if bundle else EntitlementSource.PURCHASE
    status = STATUS_FOR[access]
    for course in order.product.courses:
        row = _entitlement(order, course, source, create=status is EntitlementStatus.ACTIVE)
        if row is None or (row.order_id != order.id and status is not EntitlementStatus.ACTIVE):
            continue
        if row.status != status or row.order_id != order.id:
            row.status, row.order_id, row.status_changed_at = status, order.id, utcnow()
            row.reason = f"order {order.id}: {access.value}"
        if status is EntitlementStatus.ACTIVE:
            enroll(order.user, course)
    db.session.flush()


def _entitlement(order: Order, course, source: EntitlementSource, create: bool) -> Entitlement | None:
    """The (user, course, source) row, created on first grant (the unique key settles a race)."""
    query = select(Entitlement).where(
        Entitlement.user_id == order.user_id, Entitlement.course_id == course.id, Entitlement.source == source
    )
    row = db.session.scalar(query)
    if row is not None or not create:
        return row
    try:
        with db.session.begin_nested():
            row = Entitlement(
                user_id=order.user_id,
                course_id=course.id,
                source=source,
                order_id=order.id,
                status=EntitlementStatus.REVOKED,
                reason=f"order {order.id}",
            )
            db.session.add(row)
    except IntegrityError:
        row = db.session.scalar(query)
    return row
