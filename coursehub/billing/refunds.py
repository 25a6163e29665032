"""Refunds the school gives: through the Stripe API, once per request key, never more than was paid."""

from __future__ import annotations

import logging

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.billing.fulfillment import apply_stripe_state, sync_order
from coursehub.billing.models import LedgerEntry, Order, OrderStatus, RefundRequest
from coursehub.billing.money import format_price
from coursehub.billing.stripe_client import stripe_client
from coursehub.billing.stripe_state import read_stripe
from coursehub.core.audit import record_audit
from coursehub.core.extensions import db

log = logging.getLogger("coursehub.billing")


class RefundError(Exception):
    """The refund can't be made; the message says why."""


def refundable_cents(order: Order) -> int:
    """What Stripe says can still be refunded on the order's charge (0 when nothing was charged).

    :raise stripe.StripeError: Stripe did not answer.
    """
    if order.status is not OrderStatus.PAID or not order.charge_id:
        return 0
    charge = stripe_client().v1.charges.retrieve(order.charge_id)
    return charge.amount - charge.amount_refunded


def refund_order(
    order: Order, amount_cents: int | None, request_key: str, requested_by: str, reason: str = ""
) -> Order:
    """Refund ``amount_cents`` (None: all that remains) of ``order`` and apply the result.

    The contract for callers (the CLI, the admin page):
    - ``request_key`` identifies one refund decision: a form nonce rendered with the admin's form, or a
      fresh key per confirmed CLI run. The same key always means the same refund: a double click, a
      retried POST or a second tab sends Stripe the same idempotency key and Stripe replays the first
      answer, so one key refunds at most once. A new decision needs a new key.
    - ``requested_by`` (an admin's email, ``shell:<login>``) is kept on the ``RefundRequest``, which
      shows the refund as requested until the ledger holds its Stripe refund id.
    - The refund is written to the audit log (who, how much, ``reason``) once, with its request.
    - Stripe is called before anything is written; the caller commits once.

    :raise RefundError: nothing to refund, a bad amount, more than remains, a key reused for another
        amount or order, or Stripe refused.
    """
    if order.status is not OrderStatus.PAID or not order.charge_id:
        raise RefundError(f"Order {order.id} has no payment to refund (it is {order.status.value}).")
    if not request_key.strip():
        raise RefundError("A refund needs a request key (a form nonce) so that a repeat refunds once.")
    earlier = db.session.scalar(select(RefundRequest).where(RefundRequest.request_key == request_key))
    if earlier is not None:
        if earlier.order_id != order.id or amount_cents not in (None, earlier.amount_cents):
            raise RefundError("This refund form was already used for another refund; reload the page.")
        return sync_order(order)
    try:
        remaining = refundable_cents(order)
    except stripe.StripeError as error:
        raise RefundError(f"Stripe did not answer: {error.user_message or error}") from None
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
    try:
        refund = stripe_client().v1.refunds.create(
            params={
                "payment_intent": order.payment_intent_id,
                "amount": amount,
                "metadata": {"order_id": str(order.id), "request_key": request_key, "reason": reason[:500]},
            },
            options={"idempotency_key": f"refund-{order.id}-{request_key}"},
        )
    except stripe.StripeError as error:
        raise RefundError(f"Stripe refused the refund: {error.user_message or error}") from None
    log.info(
        "refund", extra={"order_id": order.id, "amount_cents": refund.amount, "currency": order.currency}
    )
    state = read_stripe(order)  # before the first write, so the transaction never waits on Stripe
    try:
        with db.session.begin_nested():  # a parallel twin with the same key got the same refund back
            db.session.add(
                RefundRequest(
                    order_id=order.id,
                    request_key=request_key,
                    amount_cents=refund.amount,
                    stripe_refund_id=refund.id,
                    requested_by=requested_by[:255],
                )
            )
    except IntegrityError:  # the twin recorded the request and its audit entry; this call adds nothing
        log.info("refund request already recorded", extra={"order_id": order.id})
    else:
        record_audit(
            requested_by,
            "order.refund",
            ("order", order.id),
            reason,
            {"amount_cents": refund.amount, "currency": order.currency, "stripe_refund_id": refund.id},
        )
    return apply_stripe_state(order, state)


def requested_refunds(order: Order) -> list[RefundRequest]:
    """Refunds asked of Stripe whose money is not in the ledger yet: the admin page's "refund requested"."""
    recorded = select(LedgerEntry.stripe_ref).where(LedgerEntry.order_id == order.id)
    return list(
        db.session.scalars(
            select(RefundRequest).where(
                RefundRequest.order_id == order.id, RefundRequest.stripe_refund_id.not_in(recorded)
            )
        )
    )
