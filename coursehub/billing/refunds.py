"""Refunds the school gives: through the Stripe API, once per request, never more than was paid."""

from __future__ import annotations

import logging

import stripe

from coursehub.billing.fulfillment import sync_order
from coursehub.billing.models import Order, OrderStatus
from coursehub.billing.money import format_price
from coursehub.billing.stripe_client import stripe_client

log = logging.getLogger("coursehub.billing")


class RefundError(Exception):
    """The refund can't be made; the message says why."""


def refund_order(order: Order, amount_cents: int | None = None, request_key: str | None = None) -> Order:
    """Refund ``amount_cents`` (default: all that remains) and apply the result to the order.

    The idempotency key is derived from the charge's state (or ``request_key``, a per-form nonce from an
    admin page), so a double click sends one refund and Stripe replays the first answer to the second.
    :raise RefundError: nothing to refund, a bad amount, more than remains, or Stripe refused.
    """
    if order.status is not OrderStatus.PAID or not order.charge_id:
        raise RefundError(f"Order {order.id} has no payment to refund (it is {order.status.value}).")
    client = stripe_client()
    charge = client.v1.charges.retrieve(order.charge_id)
    remaining = charge.amount - charge.amount_refunded
    if remaining <= 0:
        raise RefundError(f"Order {order.id} is already fully refunded.")
    amount = remaining if amount_cents is None else amount_cents
    if amount <= 0:
        raise RefundError("The refund amount must be more than zero.")
    if amount > remaining:
        raise RefundError(
            f"Only {format_price(remaining, order.currency)} of order {order.id} can still be "
            f"refunded; {format_price(amount, order.currency)} is more than that."
        )
    key = f"refund-{order.id}-{request_key or f'{charge.amount_refunded}-{amount}'}"
    try:
        client.v1.refunds.create(
            params={
                "payment_intent": order.payment_intent_id,
                "amount": amount,
                "metadata": {"order_id": str(order.id)},
            },
            options={"idempotency_key": key},
        )
    except stripe.StripeError as error:
        raise RefundError(f"Stripe refused the refund: {error.user_message or error}") from None
    log.info("refund", extra={"order_id": order.id, "amount_cents": amount, "currency": order.currency})
    return sync_order(order)
