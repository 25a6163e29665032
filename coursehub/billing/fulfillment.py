"""fulfill_checkout and sync_order: what an order is worth, worked out from Stripe's current state.

Every path (the webhook for any event, the success page, reconciliation, a refund from the school) ends
in ``sync_order``: read Stripe first (``read_stripe``, no writes yet), then lock the order row
(``SELECT ... FOR UPDATE`` on PostgreSQL) and apply what was read. Events can therefore arrive twice, late,
in any order or at the same time: money is recorded by Stripe's own ids (the charge, each refund, the
balance transaction, the dispute), so a repeat records nothing twice, and the refunded total is the sum
of recorded refunds, never a delta. A sync that read Stripe a moment earlier than another cannot undo
what the other recorded: refunds only add up, and a closed dispute never reopens.
"""

from __future__ import annotations

import logging

from sqlalchemy import func, select

from coursehub.billing.entitlements import apply_access
from coursehub.billing.ledger import record
from coursehub.billing.models import AccessState, LedgerEntry, LedgerKind, Order, OrderStatus
from coursehub.billing.stripe_state import StripeState, read_stripe
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.mail.services import queue_mail

log = logging.getLogger("coursehub.billing")
OPEN_DISPUTE = {"warning_needs_response", "warning_under_review", "needs_response", "under_review"}
CLOSED_DISPUTE = {"won", "lost", "warning_closed"}
FAILED_INTENT = {"requires_payment_method", "canceled"}
LEGACY_REFUND_REF = "%:refunded-to:%"  # refunds recorded as cumulative deltas before refund ids were used


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
    """:raise stripe.StripeError: Stripe could not be read; nothing was written."""
    return apply_stripe_state(order, read_stripe(order))


def lock_order(order_id: int) -> Order:
    """The order, re-read under a row lock held until the commit (SQLite locks the whole file instead)."""
    return db.session.execute(
        select(Order).where(Order.id == order_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one()


def apply_stripe_state(order: Order, state: StripeState) -> Order:
    order = lock_order(order.id)
    session = state.session
    if not state.paid:
        _settle_unpaid(order, session)
        return order
    problem = _mismatch(order, session)
    if problem:
        _set_status(order, OrderStatus.MISMATCH, note=problem)
        log.error("Order %s paid but not as asked: %s", order.id, problem)
        return order
    charge = state.charge
    first_payment = _mark_paid(order, session, charge)
    details = getattr(session, "total_details", None)
    if details is not None:
        order.discount_cents, order.tax_cents = details.amount_discount or 0, details.amount_tax or 0
    if charge is None:
        record(order, LedgerKind.CHARGE, 0, f"{session.id}:no-payment-required")
    else:
        order.payment_last4 = _last4(charge) or order.payment_last4
        record(order, LedgerKind.CHARGE, charge.amount, charge.id)
        if state.fee is not None:
            record(order, LedgerKind.FEE, state.fee[1], state.fee[0])
        _record_refunds(order, state)
    dispute_status = _record_dispute(order, state.dispute)
    if first_payment:
        _flag_duplicate(order)

    access = _access(order, charge, dispute_status)
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


def _record_refunds(order: Order, state: StripeState) -> None:
    """One ledger line per Stripe refund id; refunds older lines already counted as a delta are skipped."""
    legacy = _ledger_sum(order, LedgerKind.REFUND, LedgerEntry.stripe_ref.like(LEGACY_REFUND_REF))
    for refund in state.refunds:
        if legacy >= refund.amount and not _recorded(refund.id):
            legacy -= refund.amount
            continue
        record(order, LedgerKind.REFUND, refund.amount, refund.id)
    order.refunded_cents = _ledger_sum(order, LedgerKind.REFUND)


def _record_dispute(order: Order, dispute) -> str | None:
    """Record the dispute's money and return its status; a closed dispute never goes back to open."""
    if dispute is None:
        return order.dispute_status
    record(order, LedgerKind.DISPUTE, dispute.amount, f"{dispute.id}:opened")
    if dispute.status == "won":
        record(order, LedgerKind.DISPUTE_WON, dispute.amount, f"{dispute.id}:won")
    if order.dispute_status not in CLOSED_DISPUTE or dispute.status in CLOSED_DISPUTE:  # never reopened
        order.dispute_status = dispute.status
    return order.dispute_status


def _recorded(stripe_ref: str) -> bool:
    return db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.stripe_ref == stripe_ref)) is not None


def _ledger_sum(order: Order, kind: LedgerKind, *conditions) -> int:
    total = db.session.scalar(
        select(func.coalesce(func.sum(LedgerEntry.amount_cents), 0)).where(
            LedgerEntry.order_id == order.id, LedgerEntry.kind == kind, *conditions
        )
    )
    return int(total)


def _access(order: Order, charge, dispute_status: str | None) -> AccessState:
    if charge is not None:
        refunded = max(order.refunded_cents, charge.amount_refunded)
        if charge.refunded or refunded >= charge.amount:
            return AccessState.REVOKED
    if dispute_status == "lost":
        return AccessState.REVOKED
    if dispute_status in OPEN_DISPUTE:
        return AccessState.SUSPENDED
    return AccessState.ACTIVE


def _flag_duplicate(order: Order) -> None:
    """A second payment for courses another paid order already opens is flagged for the admin to refund."""
    course_ids = {course.id for course in order.product.courses}
    others = db.session.scalars(
        select(Order).where(
            Order.user_id == order.user_id,
            Order.id != order.id,
            Order.status == OrderStatus.PAID,
            Order.access == AccessState.ACTIVE,
        )
    )
    for other in others:
        if course_ids <= {course.id for course in other.product.courses}:
            order.duplicate_of_id = other.id
            order.note = f"paid twice: order {other.id} already opens these courses; refund one of them"
            log.error("Order %s pays again for what order %s already opens", order.id, other.id)
            return


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
    if (session.payment_status == "no_payment_required") != (session.amount_total == 0):
        return f"payment status {session.payment_status} with a total of {session.amount_total}"
    return None


def _mark_paid(order: Order, session, charge) -> bool:
    """:return: True for exactly one sync, the one that saw the payment first (the row lock decides)."""
    if order.status not in (OrderStatus.PENDING, OrderStatus.FAILED, OrderStatus.EXPIRED):
        return False
    order.status, order.paid_at, order.amount_paid_cents = OrderStatus.PAID, utcnow(), session.amount_total
    if charge is not None:
        order.payment_intent_id, order.charge_id = charge.payment_intent, charge.id
    return True


def _set_access(order: Order, access: AccessState) -> AccessState | None:
    """:return: the previous state if this call changed it, else None."""
    previous = order.access
    if previous is access:
        return None
    order.access = access
    return previous


def _set_status(order: Order, status: OrderStatus, note: str = "") -> bool:
    """Settle a pending order; :return: whether this call did."""
    if order.status is not OrderStatus.PENDING:
        return False
    order.status, order.note = status, note[:500]
    return True


def _settle_unpaid(order: Order, session) -> None:
    """An unpaid session is open (nothing to do), processing a delayed payment, failed, or expired."""
    if session.status == "expired":
        _set_status(order, OrderStatus.EXPIRED)
        return
    intent = session.payment_intent
    failed = session.status == "complete" and intent is not None and intent.status in FAILED_INTENT
    if failed and _set_status(order, OrderStatus.FAILED, note="the delayed payment failed"):
        queue_mail(
            order.user.email,
            f"Your payment for {order.product.title} did not go through",
            "payment_failed",
            order=order,
        )
