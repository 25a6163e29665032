"""Handling one Stripe event: mapped to its order, Stripe re-read, then recorded once and applied.

Stripe is read before anything is written (``read_stripe``), so no write transaction waits on the
network; the event row and its effect are then written in one transaction under the order's lock.
"""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.billing.fulfillment import apply_stripe_state
from coursehub.billing.models import Order, StripeEvent
from coursehub.billing.stripe_client import stripe_client
from coursehub.billing.stripe_state import read_stripe
from coursehub.core.extensions import db

log = logging.getLogger("coursehub.billing")

SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed",
    "checkout.session.expired",
}
MONEY_EVENTS = {
    "charge.refunded",
    "charge.refund.updated",
    "refund.created",
    "refund.updated",
    "refund.failed",
    "charge.dispute.created",
    "charge.dispute.updated",
    "charge.dispute.closed",
    "charge.dispute.funds_withdrawn",
    "charge.dispute.funds_reinstated",
}
HANDLED = SESSION_EVENTS | MONEY_EVENTS


def handle_event(event) -> str:
    """Apply ``event`` once. :return: "duplicate", "ignored", "no-order" or "applied".

    Every handled type is applied the same way, from Stripe's current state rather than the event's
    snapshot. The event row is written in the caller's transaction, so if applying it fails (and the
    caller rolls back), the event is not marked processed and Stripe's retry applies it.

    :raise stripe.StripeError: Stripe could not be read (the caller decides whether a retry can help).
    """
    if db.session.get(StripeEvent, event.id) is not None:
        return "duplicate"
    order = _order_for(event.type, event.data.object) if event.type in HANDLED else None
    state = read_stripe(order) if order is not None and order.checkout_session_id else None
    try:
        with db.session.begin_nested():
            row = StripeEvent(id=event.id, type=event.type, created=event.created)
            db.session.add(row)
    except IntegrityError:
        return "duplicate"
    if event.type not in HANDLED:
        return "ignored"
    if state is None:
        log.warning("Stripe event %s (%s) matches no order; acknowledged", event.id, event.type)
        return "no-order"
    order = apply_stripe_state(order, state)
    # Named only now, under the order's row lock: the foreign key's share lock taken before it would
    # deadlock two deliveries about the same order, each waiting to upgrade to the row lock.
    row.order_id = order.id
    db.session.flush()
    return "applied"


def _order_for(event_type: str, obj) -> Order | None:
    if event_type.startswith("checkout.session."):
        return db.session.scalar(select(Order).where(Order.checkout_session_id == obj.id))
    intent_id = getattr(obj, "payment_intent", None)
    if not isinstance(intent_id, str):
        intent_id = getattr(intent_id, "id", None)
    if intent_id:
        order = db.session.scalar(select(Order).where(Order.payment_intent_id == intent_id))
        if order is not None:
            return order
        # Before the payment was recorded here (events out of order), the intent's metadata names the order.
        intent = stripe_client().v1.payment_intents.retrieve(intent_id)
        order_id = intent.metadata.to_dict().get("order_id")  # a StripeObject is not a dict
        if order_id and order_id.isdigit():
            return db.session.get(Order, int(order_id))
    return None
