"""Orders in the data download; on deletion they stay (the school's books) but lose what was personal.

The order keeps its product, amounts, Stripe ids and ledger, and points at the anonymised user row; the
free-text note and the checkout link (which opens a page showing the buyer's email at Stripe) go.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select, update

from coursehub.accounts.data_rights import register_personal_data
from coursehub.billing.models import Order
from coursehub.core.extensions import db

ANONYMISED_NOTE = "buyer deleted their account"


def export_orders(user) -> list[dict[str, Any]]:
    orders = db.session.scalars(select(Order).where(Order.user_id == user.id).order_by(Order.id))
    return [
        {
            "id": order.id,
            "product": order.product.title,
            "status": order.status.value,
            "access": order.access.value,
            "list_price_cents": order.list_price_cents,
            "amount_paid_cents": order.amount_paid_cents,
            "refunded_cents": order.refunded_cents,
            "currency": order.currency,
            "created_at": order.created_at,
            "paid_at": order.paid_at,
        }
        for order in orders
    ]


def anonymise_orders(user) -> None:
    db.session.execute(
        update(Order)
        .where(Order.user_id == user.id)
        .values(note=ANONYMISED_NOTE, checkout_url=None)
        .execution_options(synchronize_session=False)
    )


def register(app: Flask) -> None:
    register_personal_data(app, "orders", export_orders, anonymise_orders)
