"""The learner's purchase history and each order's receipt, read from the orders and the ledger.

Everything a receipt shows is gathered by ``receipt_for``, so when orders learn new amounts (tax, say)
one function grows and the page follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from coursehub.billing.models import LedgerEntry, LedgerKind, Order, OrderStatus
from coursehub.core.extensions import db

# Orders a learner has a receipt for: money was taken (a mismatch is a paid order held for a check).
RECEIPTED = (OrderStatus.PAID, OrderStatus.MISMATCH)


@dataclass(frozen=True)
class Receipt:
    order: Order
    school_name: str
    school_address: list[str]
    paid_at: datetime
    item: str
    currency: str
    list_price_cents: int
    discount_cents: int
    tax_cents: int | None  # None: the order records no tax (prices are as listed)
    total_cents: int
    payment_last4: str | None
    refunds: list[LedgerEntry]

    @property
    def refunded_cents(self) -> int:
        return sum(entry.amount_cents for entry in self.refunds)


def purchases_of(user) -> list[Order]:
    """The learner's paid orders, newest first, with their ledger loaded for the refund column."""
    return list(
        db.session.scalars(
            select(Order)
            .where(Order.user_id == user.id, Order.status.in_(RECEIPTED), Order.paid_at.is_not(None))
            .options(selectinload(Order.entries), selectinload(Order.product))
            .order_by(Order.paid_at.desc(), Order.id.desc())
        )
    )


def owned_order(user, order_id: int) -> Order | None:
    """The order if it is the user's and has a receipt; None otherwise (the page answers 404 alike)."""
    if not 0 < order_id < 2**31:  # beyond any id; SQLite can't even bind a number that large
        return None
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != user.id or order.status not in RECEIPTED or order.paid_at is None:
        return None
    return order


def _address_lines(raw: str) -> list[str]:
    lines = raw.replace("\\n", "\n").replace(";", "\n").splitlines()
    return [line.strip() for line in lines if line.strip()]


def receipt_for(order: Order) -> Receipt:
    paid = order.amount_paid_cents if order.amount_paid_cents is not None else order.list_price_cents
    return Receipt(
        order=order,
        school_name=current_app.config["SCHOOL_NAME"],
        school_address=_address_lines(current_app.config["SCHOOL_ADDRESS"] or ""),
        paid_at=order.paid_at,
        item=order.product.title,
        currency=order.currency,
        list_price_cents=order.list_price_cents,
        discount_cents=max(0, order.list_price_cents - paid),
        tax_cents=None,
        total_cents=paid,
        payment_last4=order.payment_last4,
        refunds=[entry for entry in order.entries if entry.kind is LedgerKind.REFUND],
    )
