"""A few weeks of sample sales for the offline demo, made through the Stripe stand-in like real ones.

Each purchase goes the real way (checkout session, the stand-in's pay page, fulfillment reading Stripe
back, fees from the charge's balance transaction), and some are refunded in part or in full through
``refund_order``. Only then are the order's and its ledger lines' timestamps moved back to a day in the
past weeks: the one liberty taken, so the dashboard has history to show. Never run in production.
"""

from __future__ import annotations

import random
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update

from coursehub.accounts.models import User
from coursehub.accounts.services import create_user
from coursehub.billing.checkout import CheckoutError, start_checkout
from coursehub.billing.fulfillment import fulfill_checkout
from coursehub.billing.models import LedgerEntry, LedgerKind, Order, Product
from coursehub.billing.refunds import refund_order
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db

BUYER_EMAIL = "buyer{}@example.com"
BUYERS = 12
DEMO_PASSWORD = "coursehub-demo"  # noqa: S105 - the demo's published password, refused in production


class DemoSalesError(Exception):
    """The demo sales can't be made here; the message says why."""


def _pay(pay_url: str) -> None:
    """Press Pay on the stand-in's hosted page, as the buyer's browser would."""
    body = urllib.parse.urlencode({"action": "pay"}).encode()
    request = urllib.request.Request(pay_url, data=body, method="POST")  # noqa: S310 - loopback stand-in
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(request, timeout=10).close()
    except urllib.error.HTTPError as answer:  # the pay page answers with a redirect to the success URL
        if answer.code not in (302, 303):
            raise


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def _backdate(order: Order, when) -> None:
    db.session.execute(
        update(Order).where(Order.id == order.id).values(created_at=when, paid_at=when, updated_at=when)
    )
    db.session.execute(
        update(LedgerEntry)
        .where(LedgerEntry.order_id == order.id, LedgerEntry.kind.in_([LedgerKind.CHARGE, LedgerKind.FEE]))
        .values(created_at=when)
    )
    db.session.execute(
        update(LedgerEntry)
        .where(LedgerEntry.order_id == order.id, LedgerEntry.kind == LedgerKind.REFUND)
        .values(created_at=when + timedelta(days=2))
    )


def make_demo_sales(base_url: str, weeks: int, progress: Callable[[int], None] = lambda _n: None) -> int:
    """Create the buyers and their purchases; the caller commits. :return: how many orders were made.

    :raise DemoSalesError: the sales exist already, or there is nothing on sale (import the courses).
    """
    if db.session.scalar(select(User.id).where(User.email == BUYER_EMAIL.format(1))) is not None:
        raise DemoSalesError("the demo sales exist already (buyer1@example.com has an account)")
    products = list(
        db.session.scalars(select(Product).where(Product.archived_at.is_(None)).order_by(Product.id))
    )
    if not products:
        raise DemoSalesError("nothing is on sale; run `flask courses import --publish` first")
    chooser = random.Random(12)  # noqa: S311 - the same demo history every time
    now = utcnow()
    made = 0
    for number in range(1, BUYERS + 1):
        buyer = create_user(BUYER_EMAIL.format(number), f"Demo Buyer {number}", DEMO_PASSWORD, verified=True)
        for product in chooser.sample(products, k=min(len(products), chooser.randint(1, 2))):
            try:
                url = start_checkout(buyer, product, f"{base_url}/", f"{base_url}/")
            except CheckoutError:  # a bundle overlapping a course this buyer owns: skip it, as a buyer would
                db.session.rollback()
                continue
            db.session.commit()
            _pay(url)
            order = fulfill_checkout(
                db.session.scalar(select(Order.checkout_session_id).where(Order.checkout_url == url))
            )
            db.session.commit()
            if order is None:
                continue
            if made % 7 == 3:
                refund_order(
                    order, order.amount_paid_cents // 3, f"demo-{uuid.uuid4()}", "demo", "demo refund"
                )
            elif made % 11 == 5:
                refund_order(order, None, f"demo-{uuid.uuid4()}", "demo", "demo refund in full")
            _backdate(
                order, now - timedelta(days=chooser.randint(0, weeks * 7 - 1), hours=chooser.randint(0, 23))
            )
            db.session.commit()
            made += 1
            progress(1)
    return made
