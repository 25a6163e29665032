"""Reading what Stripe knows about one order, before any write: the session, charge, fee, refunds, dispute.

Every Stripe call of a sync happens here, so the write transaction that applies the result (under the
order's row lock) never waits on the network.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coursehub.billing.models import Order
from coursehub.billing.stripe_client import stripe_client

PAID = ("paid", "no_payment_required")  # the second: a 100%-off code made the session free


@dataclass(frozen=True)
class Refund:
    id: str
    amount: int
    created: int


@dataclass(frozen=True)
class StripeState:
    session: Any
    charge: Any | None = None  # None for a session paid at zero (no PaymentIntent at all)
    fee: tuple[str, int] | None = None  # (balance transaction id, fee in minor units)
    refunds: list[Refund] = field(default_factory=list)  # succeeded ones, oldest first
    dispute: Any | None = None

    @property
    def paid(self) -> bool:
        return self.session.payment_status in PAID


def read_stripe(order: Order) -> StripeState:
    """:raise stripe.StripeError: Stripe did not answer, or does not know the session (404)."""
    client = stripe_client()
    session = client.v1.checkout.sessions.retrieve(
        order.checkout_session_id, params={"expand": ["line_items", "payment_intent"]}
    )
    intent = session.payment_intent
    if session.payment_status not in PAID or intent is None:
        return StripeState(session)
    charge = client.v1.charges.retrieve(intent.latest_charge)
    fee = None
    if getattr(charge, "balance_transaction", None):
        transaction = client.v1.balance_transactions.retrieve(charge.balance_transaction)
        fee = (transaction.id, transaction.fee)
    refunds = []
    if charge.amount_refunded:
        listing = client.v1.refunds.list(params={"charge": charge.id, "limit": 100})
        refunds = sorted(
            (
                Refund(r.id, r.amount, r.created)
                for r in listing.auto_paging_iter()
                if r.status == "succeeded"
            ),
            key=lambda refund: (refund.created, refund.id),
        )
    dispute = None
    if charge.disputed:
        disputes = client.v1.disputes.list(params={"charge": charge.id, "limit": 10})
        dispute = max(disputes.data, key=lambda item: item.created, default=None)
    return StripeState(session, charge, fee, refunds, dispute)
