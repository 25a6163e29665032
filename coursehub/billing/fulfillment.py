"""fulfill_checkout and sync_order: what an order is worth, worked out from Stripe's current state.

Every path (the webhook for any event, the success page, reconciliation, a refund from the school) ends
in ``sync_order``, which re-fetches the session, payment and charge and derives the order's access from
them. Events can therefore arrive twice, late or in any order: a refund seen before the payment still
leaves no access, and an old "completed" replayed after a refund cannot grant again, because Stripe's
current state says refunded. Writes are guarded by compare-and-set updates and unique constraints, so
concurrent calls grant, record and mail once.
"""

from __future__ import annotations

import logging

from sqlalchemy import select, update

from coursehub.billing.entitlements import apply_access
from coursehub.billing.ledger import record
from coursehub.billing.models import AccessState, LedgerKind, Order, OrderStatus
from coursehub.billing.stripe_client import stripe_client
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.mail.services import queue_mail

log = logging.getLogger("coursehub.billing")
OPEN_DISPUTE = {"warning_needs_response", "warning_under_review", "needs_response", "under_review"}


def _metadata(obj, key: str) -> str | None:
    metadata = getattr(obj, "metadata", None)
    return metadata.to_dict().get(key) if metadata is not None else None  # a StripeObject is not a dict


def fulfill_checkout(session_id: str) -> Order | None:
    """Called by the webhook and the success page; safe to call any number of times, concurrently."""
    order = db.session.scalar(select(Order).where(Order.checkout_session_id == session_id))
    if order is None:
        log.warning("Checkout session %s matches no order; ignored", session_id)
        return None
    return sync_order(order)


def sync_order(order: Order) -> Order:
    client = stripe_client()
    session = client.v1.checkout.sessions.retrieve(
        order.checkout_session_id, params={"expand": ["line_items", "payment_intent"]}
    )
    if session.payment_status != "paid":
        _settle_unpaid(order, session)
        return order
    problem = _mismatch(order, session)
    if problem:
        _set_status(order, OrderStatus.MISMATCH, note=problem)
        log.error("Order %s paid but not as asked: %s", order.id, problem)
        return order
    intent = session.payment_intent
    charge = client.v1.charges.retrieve(intent.latest_charge)
    dispute = _latest_dispute(client, charge) if charge.disputed else None

    first_payment = _mark_paid(order, session, intent.id, charge.id)
    order.payment_last4 = _last4(charge) or order.payment_last4
    record(order, LedgerKind.CHARGE, charge.amount, charge.id)
    if charge.amount_refunded > order.refunded_cents:
        record(
            order,
            LedgerKind.REFUND,
            charge.amount_refunded - order.refunded_cents,
            f"{charge.id}:refunded-to:{charge.amount_refunded}",
        )
        order.refunded_cents = charge.amount_refunded
    if dispute is not None:
        record(order, LedgerKind.DISPUTE, dispute.amount, f"{dispute.id}:opened")
        if dispute.status == "won":
            record(order, LedgerKind.DISPUTE_WON, dispute.amount, f"{dispute.id}:won")
        order.dispute_status = dispute.status

    access = _access(charge, dispute)
    previous = _set_access(order, access)
    apply_access(order, access)
    if first_payment and access is AccessState.ACTIVE:
        queue_mail(order.user.email, f"Your receipt: {order.product.title}", "receipt", order=order)
    if previous is not None and access is AccessState.REVOKED:
        queue_mail(
            order.user.email, f"Your access to {order.product.title} has ended", "access_revoked", order=order
        )
    db.session.flush()
    return order


def _last4(charge) -> str | None:
    """The card's (or bank account's) last four digits from the charge, if Stripe sent them."""
    details = getattr(charge, "payment_method_details", None)
    method = getattr(details, getattr(details, "type", "") or "", None) if details is not None else None
    last4 = getattr(method, "last4", None)
    return last4 if isinstance(last4, str) and len(last4) == 4 and last4.isdigit() else None


def _access(charge, dispute) -> AccessState:
    if charge.refunded or charge.amount_refunded >= charge.amount:
        return AccessState.REVOKED
    if dispute is not None and dispute.status == "lost":
        return AccessState.REVOKED
    if dispute is not None and dispute.status in OPEN_DISPUTE:
        return AccessState.SUSPENDED
    return AccessState.ACTIVE


def _latest_dispute(client, charge):
    disputes = client.v1.disputes.list(params={"charge": charge.id, "limit": 10})
    items = sorted(disputes.data, key=lambda dispute: dispute.created)
    return items[-1] if items else None


def _mismatch(order: Order, session) -> str | None:
    """Anything about the paid session that differs from the order we created; None if all agrees."""
    if _metadata(session, "order_id") != str(order.id) or session.client_reference_id != str(order.id):
        return "the session names another order"
    if session.currency != order.currency:
        return f"currency {session.currency} instead of {order.currency}"
    if session.amount_subtotal != order.list_price_cents:
        return f"subtotal {session.amount_subtotal} instead of {order.list_price_cents}"
    if _metadata(session, "product_slug") != order.product.slug:
        return f"the session sells {_metadata(session, 'product_slug')}, not {order.product.slug}"
    items = list(session.line_items.data)
    if len(items) != 1 or items[0].quantity != 1 or items[0].amount_subtotal != order.list_price_cents:
        return "the line items differ from the order"
    if not 0 <= session.amount_total <= session.amount_subtotal:
        return f"total {session.amount_total} is not within 0..{session.amount_subtotal}"
    return None


def _mark_paid(order: Order, session, intent_id: str, charge_id: str) -> bool:
    """Compare-and-set to paid. :return: True for exactly one caller, the one that made the change."""
    now = utcnow()
    changed = (
        db.session.execute(
            update(Order)
            .where(
                Order.id == order.id,
                Order.status.in_([OrderStatus.PENDING, OrderStatus.FAILED, OrderStatus.EXPIRED]),
            )
            .values(
                status=OrderStatus.PAID,
                paid_at=now,
                amount_paid_cents=session.amount_total,
                payment_intent_id=intent_id,
                charge_id=charge_id,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.refresh(order)
    return changed


def _set_access(order: Order, access: AccessState) -> AccessState | None:
    """Compare-and-set the access; :return: the previous state if this call changed it, else None."""
    previous = order.access
    if previous is access:
        return None
    changed = (
        db.session.execute(
            update(Order)
            .where(Order.id == order.id, Order.access == previous)
            .values(access=access)
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.refresh(order)
    return previous if changed else None


def _set_status(order: Order, status: OrderStatus, note: str = "") -> bool:
    changed = (
        db.session.execute(
            update(Order)
            .where(Order.id == order.id, Order.status == OrderStatus.PENDING)
            .values(status=status, note=note[:500])
            .execution_options(synchronize_session=False)
        ).rowcount
        == 1
    )
    db.session.refresh(order)
    return changed


def _settle_unpaid(order: Order, session) -> None:
    """An unpaid session is open (nothing to do), complete but processing, or expired."""
    if session.status == "expired":
        _set_status(order, OrderStatus.EXPIRED)


def fail_async_payment(order: Order) -> None:
    """A delayed payment failed: the order fails (if still pending) and the learner hears why."""
    if _set_status(order, OrderStatus.FAILED, note="the delayed payment failed"):
        queue_mail(
            order.user.email,
            f"Your payment for {order.product.title} did not go through",
            "payment_failed",
            order=order,
        )
