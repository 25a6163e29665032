"""What a second look at the money found: free-by-code orders, dead sessions, double payments, malformed
or foreign events, and a failed delayed payment that Stripe does not confirm."""

import json

import pytest
from sqlalchemy import select

from coursehub.billing.models import LedgerEntry, LedgerKind, Order, OrderStatus, StripeEvent
from coursehub.core.extensions import db
from tests.billing.shop import sign
from tests.factories import make_user
from tests.helpers import count_rows, lesson_url, only_order


@pytest.fixture
def buyer(app, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    return user


def all_orders(app) -> list[Order]:
    with app.app_context():
        found = list(db.session.scalars(select(Order).order_by(Order.id)))
        db.session.expunge_all()
        return found


def post_signed(shop, payload) -> object:
    body = json.dumps(payload, separators=(",", ":"))
    return shop.client.post(
        "/stripe/webhook",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": sign(body)},
    )


def test_a_100_percent_code_makes_a_paid_order_of_zero_with_access_and_a_receipt(
    app, auth, shop, course, buyer, mailbox
):
    coupon = shop.http.post(f"{shop.fake.base_url}/v1/coupons", data={"percent_off": "100"}).json()
    shop.http.post(
        f"{shop.fake.base_url}/v1/promotion_codes",
        data={"promotion[type]": "coupon", "promotion[coupon]": coupon["id"], "code": "FRIEND"},
    )
    pay_url = shop.checkout(course.slug)
    shop.pay(pay_url, action="apply_code", code="FRIEND")
    shop.pay(pay_url)
    assert shop.deliver_all() == [200]
    order = only_order(app)
    assert (order.status, order.amount_paid_cents, order.discount_cents) == (OrderStatus.PAID, 0, 4900)
    assert auth.client.get(lesson_url(course)).status_code == 200
    with app.app_context():
        [line] = db.session.scalars(select(LedgerEntry)).all()
        assert (line.kind, line.amount_cents) == (LedgerKind.CHARGE, 0)
    assert any("receipt" in message["Subject"].lower() for message in mailbox.to(buyer.email))


def test_a_pending_checkout_whose_session_stripe_forgot_makes_a_new_one(app, shop, course, buyer):
    first = shop.checkout(course.slug)
    shop.control("POST", "reset")  # the stand-in restarted and forgot its sessions
    second = shop.checkout(course.slug)
    assert second != first
    assert shop.pay(second).status_code == 303
    statuses = [order.status for order in all_orders(app)]
    assert statuses == [OrderStatus.EXPIRED, OrderStatus.PENDING]


def test_a_second_payment_that_slips_through_is_flagged_on_the_order(app, shop, course, buyer):
    first = shop.checkout(course.slug)
    with app.app_context():  # the first session looked dead to the app, yet the learner still had its tab
        db.session.scalars(select(Order)).one().status = OrderStatus.EXPIRED
        db.session.commit()
    second = shop.checkout(course.slug)
    shop.pay(first), shop.pay(second)
    shop.deliver_all()
    kept, again = all_orders(app)
    assert (kept.status, again.status) == (OrderStatus.PAID, OrderStatus.PAID)
    assert (kept.duplicate_of_id, again.duplicate_of_id) == (None, kept.id)
    assert "paid twice" in again.note


@pytest.mark.parametrize(
    "payload",
    [
        [],
        None,
        {"type": "checkout.session.completed", "created": 1, "data": {"object": {"id": "cs_1"}}},
        {"id": "evt_1", "created": 1, "data": {"object": {"id": "cs_1"}}},
        {"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {"id": "cs_1"}}},
        {"id": "evt_1", "type": "checkout.session.completed", "created": 1},
        {"id": "evt_1", "type": "checkout.session.completed", "created": 1, "data": {"object": "cs_1"}},
        {"id": "evt_1", "type": "checkout.session.completed", "created": 1, "data": {"object": {}}},
    ],
)
def test_a_signed_but_malformed_event_is_400_with_a_message(app, shop, payload):
    response = post_signed(shop, payload)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_event"
    assert "Webhook rejected" in response.get_json()["error"]["message"]
    assert count_rows(app, StripeEvent) == 0


def test_an_event_about_a_payment_stripe_does_not_know_is_acknowledged_not_retried(app, shop):
    refund = {"id": "re_1", "object": "refund", "payment_intent": "pi_not_ours", "amount": 100}
    response = post_signed(
        shop, {"id": "evt_foreign", "type": "refund.created", "created": 1, "data": {"object": refund}}
    )
    assert response.status_code == 200
    assert response.get_json()["outcome"] == "not-ours"


def test_a_failed_delayed_payment_event_is_checked_with_stripe_first(app, shop, course, buyer):
    pay_url = shop.checkout(course.slug)
    shop.pay(pay_url)  # paid by card: Stripe says paid whatever a stray event claims
    [completed] = shop.events("checkout.session.completed")
    session = shop.body_of(completed)["data"]["object"]
    response = post_signed(
        shop,
        {
            "id": "evt_stray_failure",
            "type": "checkout.session.async_payment_failed",
            "created": 1,
            "data": {"object": session},
        },
    )
    assert response.status_code == 200
    assert only_order(app).status is OrderStatus.PAID
