"""Recording money movements once each, and reading revenue back from them."""

from __future__ import annotations

from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from coursehub.billing.models import LedgerEntry, LedgerKind, Order
from coursehub.core.extensions import db


def record(order: Order, kind: LedgerKind, amount_cents: int, stripe_ref: str) -> bool:
    """Append an entry unless one with ``stripe_ref`` exists. :return: whether it was new.

    The unique ``stripe_ref`` makes a replayed or concurrent sync record the movement once. Only a charge
    may be zero (an order a 100%-off code made free still shows in the ledger, at 0). A charge carries
    the order's discount and tax as they are now: set them on the order before recording its charge.
    """
    if amount_cents < 0 or (amount_cents == 0 and kind is not LedgerKind.CHARGE):
        return False
    if db.session.scalar(select(LedgerEntry.id).where(LedgerEntry.stripe_ref == stripe_ref)) is not None:
        return False
    try:
        with db.session.begin_nested():
            db.session.add(
                LedgerEntry(
                    order_id=order.id,
                    product_id=order.product_id,
                    kind=kind,
                    amount_cents=amount_cents,
                    currency=order.currency,
                    stripe_ref=stripe_ref,
                    discount_cents=order.discount_cents if kind is LedgerKind.CHARGE else 0,
                    tax_cents=order.tax_cents if kind is LedgerKind.CHARGE else 0,
                )
            )
    except IntegrityError:
        return False
    return True


def net_revenue_cents(order_ids=None) -> int:
    """Charges, less refunds, Stripe's fees and disputed money not won back: every revenue figure comes
    from here."""
    money_in = LedgerEntry.kind.in_([LedgerKind.CHARGE, LedgerKind.DISPUTE_WON])
    signed = case((money_in, LedgerEntry.amount_cents), else_=-LedgerEntry.amount_cents)
    query = select(func.coalesce(func.sum(signed), 0))
    if order_ids is not None:
        query = query.where(LedgerEntry.order_id.in_(list(order_ids)))
    return int(db.session.scalar(query))


def order_totals(order: Order) -> dict[LedgerKind, int]:
    rows = db.session.execute(
        select(LedgerEntry.kind, func.sum(LedgerEntry.amount_cents))
        .where(LedgerEntry.order_id == order.id)
        .group_by(LedgerEntry.kind)
    ).all()
    return {kind: int(total) for kind, total in rows}
