"""Handling one Stripe event: recorded once, mapped to its order, applied through sync_order."""

from __future__ import annotations

import logging

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.billing.fulfillment import fail_async_payment, fulfill_checkout, sync_order
from coursehub.billing.models import Order, StripeEvent
from coursehub.billing.stripe_client import stripe_client
from coursehub.core.extensions import db

log = logging.getLogger("coursehub.billing")

SESSION_EVENTS = {
    "checkout.session.completed",
    "checkout.session.async_payment_succeeded",
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
HANDLED = SESSION_EVENTS | MONEY_EVENTS | {"checkout.session.async_payment_failed"}


def handle_event(event) -> str:
    """Apply ``event`` once. :return: "duplicate", "ignored", "no-order" or "applied".

    The event row is written in the caller's transaction, so if applying it fails (and the caller rolls
    back), the event is not marked processed and Stripe's retry applies it.
    """
    try:
        with db.session.begin_nested():
            db.session.add(StripeEvent(id=event.id, type=event.type, created=event.created))
    except IntegrityError:
        return "duplicate"
    if event.type not in HANDLED:
        return "ignored"
    obj = event.data.object
    order = _order_for(event.type, obj)
    if order is None:
        log.warning("Stripe event %s (%s) matches no order; acknowledged", event.id, event.type)
        return "no-order"
    if event.type == "checkout.session.async_payment_failed":
        fail_async_payment(order)
    elif event.type in SESSION_EVENTS:
        fulfill_checkout(obj.id)
    else:
        sync_order(order)
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
