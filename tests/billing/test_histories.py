"""Property: whatever happens to purchases and however Stripe delivers the events, access and money end
up exactly as the history says.

Hypothesis makes random histories of single-course and bundle purchases, full and partial refunds, and
disputes that stay open, are won or are lost. Every event is then delivered in a shuffled order, some
twice, mixed with forged deliveries; the final entitlements and ledger totals must match a model of the
history computed here independently of the app.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coursehub.accounts.models import User
from coursehub.billing.checkout import start_checkout
from coursehub.billing.models import LedgerEntry, LedgerKind, Order, Product
from coursehub.core.extensions import db
from coursehub.learning.models import Entitlement, EntitlementSource, EntitlementStatus
from tests.billing.shop import sign, stripe_fee
from tests.factories import make_course, make_product, make_user

PRICES = {"one": 4900, "two": 3900, "both": 7900}


@dataclass
class Purchase:
    product: str
    session_id: str = ""
    refunded: int = 0
    dispute: str | None = None  # None, "open", "won" or "lost"
    dispute_id: str = ""

    @property
    def expected_status(self) -> EntitlementStatus:
        if self.refunded >= PRICES[self.product] or self.dispute == "lost":
            return EntitlementStatus.REVOKED
        if self.dispute == "open":
            return EntitlementStatus.SUSPENDED
        return EntitlementStatus.ACTIVE


# What happens after paying: nothing, refunds (full, partial, two partials) or a dispute and its outcome.
partial = st.integers(min_value=1, max_value=1900)
fates = st.one_of(
    st.just(((), None)),
    st.just((("full",), None)),
    partial.map(lambda amount: ((amount,), None)),
    st.tuples(partial, partial).map(lambda amounts: (amounts, None)),
    st.sampled_from(["open", "won", "lost"]).map(lambda outcome: ((), outcome)),
)
histories = st.lists(
    st.tuples(st.sampled_from(list(PRICES)), fates), min_size=1, max_size=3, unique_by=lambda plan: plan[0]
)


@pytest.fixture
def catalog(app):
    one, two = make_course(app, preview=()), make_course(app, preview=())
    ids = {
        "one": make_product(app, [one], slug=one.slug, price=PRICES["one"]),
        "two": make_product(app, [two], slug=two.slug, price=PRICES["two"]),
        "both": make_product(
            app, [one, two], slug=f"{one.slug}-and-{two.slug}", price=PRICES["both"], bundle=True
        ),
    }
    return ids, {"one": [one.id], "two": [two.id], "both": [one.id, two.id]}


def run_history(app, shop, product_ids, plans) -> tuple[int, list[Purchase]]:
    user = make_user(app)
    purchases = []
    for product, (refunds, dispute) in plans:
        purchase = Purchase(product)
        with app.test_request_context():
            url = start_checkout(
                db.session.get(User, user.id),
                db.session.get(Product, product_ids[product]),
                "http://school.test/checkout/success",
                "http://school.test/",
            )
            db.session.commit()
        requests.post(url, data={"action": "pay"}, allow_redirects=False, timeout=10)
        purchase.session_id = shop.session_id(url)
        for step in refunds:
            amount = PRICES[product] - purchase.refunded if step == "full" else step
            shop.refund(purchase.session_id, amount)
            purchase.refunded += amount
        if dispute is not None:
            opened = shop.control("POST", f"charges/{shop.charge_of(purchase.session_id)}/dispute")
            purchase.dispute, purchase.dispute_id = "open", opened["id"]
            if dispute in ("won", "lost"):
                shop.control("POST", f"disputes/{opened['id']}/close", status=dispute)
                purchase.dispute = dispute
        purchases.append(purchase)
    return user.id, purchases


def deliver_chaotically(shop, rng: random.Random) -> None:
    events = shop.events()
    deliveries = events + rng.sample(events, k=len(events) // 2)  # some arrive twice
    rng.shuffle(deliveries)
    for event in deliveries:
        if rng.random() < 0.3:  # a forgery rides along and must be refused
            forged = event.body.replace('"livemode":false', '"livemode":true')
            assert shop.deliver(event, body=forged).status_code == 400
            assert shop.deliver(event, signature=sign(event.body, secret="whsec_forger")).status_code == 400
        assert shop.deliver(event).status_code == 200


def expected_money(purchases: list[Purchase]) -> Counter:
    money: Counter = Counter()
    for purchase in purchases:
        money[LedgerKind.CHARGE] += PRICES[purchase.product]
        money[LedgerKind.FEE] += stripe_fee(PRICES[purchase.product])
        money[LedgerKind.REFUND] += purchase.refunded
        if purchase.dispute:
            money[LedgerKind.DISPUTE] += PRICES[purchase.product]
        if purchase.dispute == "won":
            money[LedgerKind.DISPUTE_WON] += PRICES[purchase.product]
    return +money


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=histories, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_access_and_money_follow_the_history_whatever_the_delivery(app, shop, catalog, plans, seed):
    product_ids, course_ids = catalog
    shop.control("POST", "reset")
    user_id, purchases = run_history(app, shop, product_ids, plans)
    deliver_chaotically(shop, random.Random(seed))

    expected = {}
    for purchase in purchases:
        source = EntitlementSource.BUNDLE if purchase.product == "both" else EntitlementSource.PURCHASE
        for course_id in course_ids[purchase.product]:
            expected[(course_id, source)] = purchase.expected_status
    with app.app_context():
        rows = {
            (row.course_id, row.source): row.status
            for row in db.session.scalars(select(Entitlement).where(Entitlement.user_id == user_id))
        }
        order_ids = [order.id for order in db.session.scalars(select(Order).where(Order.user_id == user_id))]
        money = Counter()
        for entry in db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id.in_(order_ids))):
            money[entry.kind] += entry.amount_cents
    for key, status in expected.items():
        # Active exactly where the history says so; where it ended (or was suspended before anything was
        # ever granted) there may be no row at all, but a row that exists says why.
        active = rows.get(key) is EntitlementStatus.ACTIVE
        assert active == (status is EntitlementStatus.ACTIVE), (key, rows)
        assert rows.get(key, status) is status, (key, rows, purchases)
    assert set(rows) <= set(expected)
    assert +money == expected_money(purchases), (money, purchases)
