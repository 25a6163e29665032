"""Turning an order's access state into its own entitlement rows, one per course it pays for."""

from __future__ import annotations

from coursehub.billing.models import AccessState, Order, ProductKind
from coursehub.learning.enrollment import upsert_entitlement
from coursehub.learning.models import EntitlementSource, EntitlementStatus

STATUS_FOR = {
    AccessState.ACTIVE: EntitlementStatus.ACTIVE,
    AccessState.SUSPENDED: EntitlementStatus.SUSPENDED,
    AccessState.REVOKED: EntitlementStatus.REVOKED,
}


def apply_access(order: Order, access: AccessState) -> None:
    """Grant, suspend or revoke the rows of ``order`` only: another order (an overlapping bundle) or a
    manual grant that opens the same course is left alone, and a manual hold still wins over all."""
    if access is AccessState.NONE:
        return
    source = (
        EntitlementSource.BUNDLE if order.product.kind is ProductKind.BUNDLE else EntitlementSource.PURCHASE
    )
    for course in order.product.courses:
        upsert_entitlement(
            order.user_id,
            course.id,
            source,
            STATUS_FOR[access],
            f"order {order.id}: {access.value}",
            order_id=order.id,
        )
