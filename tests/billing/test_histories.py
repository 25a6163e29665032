"""Property: whatever happens to purchases, however Stripe delivers the events and whatever support does
by hand in between, who may open which course and the ledger end up as Stripe and the holds say.

Hypothesis makes random histories of single-course and overlapping bundle purchases (the same course
bought again, 100%-off codes), full and partial refunds, disputes that stay open, are won or are lost,
and manual grants and revokes. Events are delivered in bursts between the steps, shuffled, some twice,
with forgeries riding along. The expectation is computed here from Stripe's own objects and the manual
actions, independently of the app: a course is open when the last manual action on it was a grant, or
when there was none and some order covering it is paid, not fully refunded and not disputed (open or
lost). The ledger's sums per kind equal Stripe's charges, fees, refunds and disputes.
"""

from __future__ import annotations

import random
from collections import Counter

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coursehub.accounts.models import User
from coursehub.billing.checkout import CheckoutError, start_checkout
from coursehub.billing.models import LedgerEntry, LedgerKind, Order, Product
from coursehub.content.models import Course
from coursehub.core.extensions import db
from coursehub.learning.access import open_course_ids
from coursehub.learning.enrollment import grant_access, revoke_access
from tests.billing.shop import sign
from tests.factories import make_course, make_product, make_user

PRODUCTS = {"one": (["a"], 4900), "two": (["b"], 3900), "ab": (["a", "b"], 7900), "bc": (["b", "c"], 6900)}

steps = st.lists(
    st.one_of(
        st.tuples(st.just("buy"), st.sampled_from(sorted(PRODUCTS)), st.booleans()),
        st.tuples(st.just("refund"), st.integers(0, 5), st.one_of(st.just(0), st.integers(1, 2000))),
        st.tuples(st.just("dispute"), st.integers(0, 5), st.sampled_from(["open", "won", "lost"])),
        st.tuples(st.sampled_from(["grant", "revoke"]), st.sampled_from(["a", "b", "c"]), st.just(None)),
        st.tuples(st.just("deliver"), st.just(None), st.just(None)),
    ),
    min_size=1,
    max_size=8,
)


@pytest.fixture
def catalog(app):
    courses = {key: make_course(app, preview=()) for key in "abc"}
    products = {
        name: make_product(
            app,
            [courses[key] for key in keys],
            slug=f"{name}-{courses['a'].slug}",
            price=price,
            bundle=len(keys) > 1,
        )
        for name, (keys, price) in PRODUCTS.items()
    }
    return courses, products


class History:
    def __init__(self, app, shop, catalog, rng: random.Random):
        self.app, self.shop, self.rng = app, shop, rng
        self.courses, self.products = catalog
        self.user = make_user(app)
        self.sessions: list[tuple[str, str]] = []  # (product name, paid session id)
        self.manual: dict[str, str] = {}
        self.delivered: set[str] = set()

    def buy(self, product: str, free: bool) -> None:
        with self.app.test_request_context():
            try:
                url = start_checkout(
                    db.session.get(User, self.user.id),
                    db.session.get(Product, self.products[product]),
                    "http://school.test/checkout/success",
                    "http://school.test/",
                    overlap_confirmed=True,
                )
                db.session.commit()
            except CheckoutError:  # owned, on hold, or an earlier payment still processing: no sale
                db.session.rollback()
                return
        if free:
            requests.post(url, data={"action": "apply_code", "code": "FREE100"}, timeout=10)
        if requests.post(url, data={"action": "pay"}, allow_redirects=False, timeout=10).status_code == 303:
            self.sessions.append((product, self.shop.session_id(url)))

    def charge(self, index: int) -> dict | None:
        if not self.sessions:
            return None
        session = self.stripe(f"checkout/sessions/{self.sessions[index % len(self.sessions)][1]}")
        if not session["payment_intent"]:
            return None  # paid at zero: nothing to refund or dispute
        intent = self.stripe(f"payment_intents/{session['payment_intent']}")
        return self.stripe(f"charges/{intent['latest_charge']}")

    def refund(self, index: int, amount: int) -> None:
        charge = self.charge(index)
        if charge and not charge["disputed"] and charge["amount_refunded"] < charge["amount"]:
            remaining = charge["amount"] - charge["amount_refunded"]
            data = {"charge": charge["id"], "amount": str(min(amount, remaining) if amount else remaining)}
            self.shop.http.post(f"{self.shop.fake.base_url}/v1/refunds", data=data)

    def dispute(self, index: int, outcome: str) -> None:
        charge = self.charge(index)
        if charge and not charge["disputed"] and charge["amount_refunded"] < charge["amount"]:
            opened = self.shop.control("POST", f"charges/{charge['id']}/dispute")
            if outcome != "open":
                self.shop.control("POST", f"disputes/{opened['id']}/close", status=outcome)

    def by_hand(self, verb: str, key: str) -> None:
        with self.app.app_context():
            user, course = db.session.get(User, self.user.id), db.session.get(Course, self.courses[key].id)
            (grant_access if verb == "grant" else revoke_access)(user, course, f"{verb} in a test", "a@x")
            db.session.commit()
        self.manual[key] = verb

    def deliver(self, everything: bool = False) -> None:
        """A burst of the events not yet delivered (all of them at the end), shuffled, some twice."""
        waiting = [event for event in self.shop.events() if event.id not in self.delivered]
        burst = waiting if everything else self.rng.sample(waiting, k=self.rng.randint(0, len(waiting)))
        burst = burst + self.rng.sample(burst, k=len(burst) // 2)
        self.rng.shuffle(burst)
        for event in burst:
            if self.rng.random() < 0.2:  # a forgery rides along and must be refused
                assert (
                    self.shop.deliver(event, signature=sign(event.body, secret="whsec_x")).status_code == 400
                )
            assert self.shop.deliver(event).status_code == 200
            self.delivered.add(event.id)

    def stripe(self, path: str) -> dict:
        return self.shop.http.get(f"{self.shop.fake.base_url}/v1/{path}").json()

    def expected_open(self) -> set[int]:
        paying: set[str] = set()
        for product, session_id in self.sessions:
            session = self.stripe(f"checkout/sessions/{session_id}")
            charge = self.charge(self.sessions.index((product, session_id)))
            if charge is not None:
                disputes = self.stripe(f"disputes?charge={charge['id']}")["data"]
                if charge["amount_refunded"] >= charge["amount"]:
                    continue
                if disputes and disputes[0]["status"] != "won":
                    continue
            elif session["payment_status"] != "no_payment_required":
                continue
            paying.update(PRODUCTS[product][0])
        keys = {
            key
            for key in "abc"
            if self.manual.get(key) == "grant" or (key in paying and key not in self.manual)
        }
        return {self.courses[key].id for key in keys}

    def stripe_money(self) -> Counter:
        money: Counter = Counter()
        for index, (_product, session_id) in enumerate(self.sessions):
            money[LedgerKind.CHARGE] += self.stripe(f"checkout/sessions/{session_id}")["amount_total"]
            charge = self.charge(index)
            if charge is None:
                continue
            money[LedgerKind.FEE] += self.stripe(f"balance_transactions/{charge['balance_transaction']}")[
                "fee"
            ]
            money[LedgerKind.REFUND] += charge["amount_refunded"]
            for dispute in self.stripe(f"disputes?charge={charge['id']}")["data"]:
                money[LedgerKind.DISPUTE] += dispute["amount"]
                if dispute["status"] == "won":
                    money[LedgerKind.DISPUTE_WON] += dispute["amount"]
        return +money


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(history=steps, seed=st.integers(min_value=0, max_value=2**32 - 1))
def test_access_and_money_follow_stripe_and_the_holds_whatever_the_delivery(
    app, shop, catalog, history, seed
):
    shop.control("POST", "reset")
    coupon = shop.http.post(f"{shop.fake.base_url}/v1/coupons", data={"percent_off": "100"}).json()
    shop.http.post(
        f"{shop.fake.base_url}/v1/promotion_codes",
        data={"promotion[type]": "coupon", "promotion[coupon]": coupon["id"], "code": "FREE100"},
    )
    run = History(app, shop, catalog, random.Random(seed))
    for verb, subject, detail in history:
        if verb == "buy":
            run.buy(subject, detail)
        elif verb == "refund":
            run.refund(subject, detail)
        elif verb == "dispute":
            run.dispute(subject, detail)
        elif verb in ("grant", "revoke"):
            run.by_hand(verb, subject)
        else:
            run.deliver()
    run.deliver(everything=True)

    with app.app_context():
        user = db.session.get(User, run.user.id)
        courses = [db.session.get(Course, course.id) for course in run.courses.values()]
        opened = open_course_ids(user, courses)
        order_ids = list(db.session.scalars(select(Order.id).where(Order.user_id == user.id)))
        money: Counter = Counter()
        for entry in db.session.scalars(select(LedgerEntry).where(LedgerEntry.order_id.in_(order_ids))):
            money[entry.kind] += entry.amount_cents
    assert opened == run.expected_open(), (history, run.manual, run.sessions)
    assert +money == run.stripe_money(), (history, run.sessions)
