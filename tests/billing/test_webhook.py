"""The webhook: forged or broken deliveries change nothing; duplicates, disorder and replays are harmless."""

import json
import time

import pytest
from sqlalchemy import select

from coursehub.billing.ledger import net_revenue_cents
from coursehub.billing.models import AccessState, LedgerEntry, Order, OrderStatus, StripeEvent
from coursehub.core.extensions import db
from coursehub.learning.models import Entitlement, EntitlementStatus
from tests.billing.shop import sign, stripe_fee
from tests.factories import make_user
from tests.helpers import count_rows, lesson_url, only_order


def entitlement_statuses(app) -> list[EntitlementStatus]:
    with app.app_context():
        return [row.status for row in db.session.scalars(select(Entitlement))]


@pytest.fixture
def buyer(app, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    return user


@pytest.fixture
def paid(shop, course, buyer):
    """A learner has paid on Stripe's page; nothing has been delivered to the app yet."""
    pay_url = shop.checkout(course.slug)
    shop.pay(pay_url)
    return shop.session_id(pay_url)


@pytest.mark.parametrize(
    "spoil", ["wrong_secret", "tampered_body", "no_header", "garbage_header", "stale", "invalid_json"]
)
def test_a_delivery_stripe_did_not_sign_is_400_and_changes_nothing(app, shop, paid, spoil):
    [completed] = shop.events("checkout.session.completed")
    body, signature = completed.body, completed.signature
    if spoil == "wrong_secret":
        signature = sign(body, secret="whsec_someone_else")
    elif spoil == "tampered_body":
        body = body.replace('"amount_total":4900', '"amount_total":1')
        assert body != completed.body
    elif spoil == "no_header":
        signature = ""
    elif spoil == "garbage_header":
        signature = "this is not a signature"
    elif spoil == "stale":
        signature = sign(body, timestamp=int(time.time()) - 301)
    else:
        body = "{not json"
        signature = sign(body)
    response = shop.client.post(
        "/stripe/webhook",
        data=body,
        content_type="application/json",
        headers={"Stripe-Signature": signature} if signature else {},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == (
        "bad_event" if spoil == "invalid_json" else "bad_signature"
    )
    assert count_rows(app, StripeEvent) == count_rows(app, LedgerEntry) == count_rows(app, Entitlement) == 0
    assert only_order(app).status is OrderStatus.PENDING


def test_the_same_completion_delivered_twice_grants_once(app, shop, paid, mailbox, buyer):
    [completed] = shop.events("checkout.session.completed")
    first, second = shop.deliver(completed), shop.deliver(completed)
    assert first.get_json()["outcome"] == "applied" and second.get_json()["outcome"] == "duplicate"
    assert count_rows(app, Entitlement) == 1 and count_rows(app, LedgerEntry) == 2  # the charge and its fee
    assert len(mailbox.to(buyer.email)) == 1


def test_a_refund_delivered_before_the_completion_leaves_no_access(app, shop, paid, course, auth):
    shop.refund(paid)
    events = shop.events()
    for event in sorted(events, key=lambda e: e.type != "charge.refunded"):  # refund first
        assert shop.deliver(event).status_code == 200
    assert only_order(app).access is AccessState.REVOKED
    assert auth.client.get(lesson_url(course)).status_code == 403
    with app.app_context():
        assert net_revenue_cents() == -stripe_fee(4900)  # charged 4900, refunded 4900, the fee is kept


def test_an_old_completion_replayed_after_a_refund_never_grants_again(
    app, shop, paid, course, auth, mailbox, buyer
):
    [completed] = shop.events("checkout.session.completed")
    shop.deliver(completed)
    assert auth.client.get(lesson_url(course)).status_code == 200
    shop.refund(paid)
    shop.deliver_all("charge.refunded")
    assert auth.client.get(lesson_url(course)).status_code == 403
    assert any("has ended" in m["Subject"] for m in mailbox.to(buyer.email))

    replay = json.loads(completed.body)
    replay["id"] = "evt_replayed_later"
    body = json.dumps(replay, separators=(",", ":"))
    assert (
        shop.client.post(
            "/stripe/webhook",
            data=body,
            content_type="application/json",
            headers={"Stripe-Signature": sign(body)},
        ).status_code
        == 200
    )
    assert auth.client.get(lesson_url(course)).status_code == 403
    assert entitlement_statuses(app) == [EntitlementStatus.REVOKED]


def test_a_delayed_payment_grants_only_when_it_succeeds(app, shop, course, buyer, auth):
    pay_url = shop.checkout(course.slug)
    shop.pay(pay_url, action="pay_delayed")
    shop.deliver_all()
    assert only_order(app).status is OrderStatus.PENDING
    assert auth.client.get(lesson_url(course)).status_code == 403
    shop.control("POST", f"checkout/sessions/{shop.session_id(pay_url)}/async_payment/succeed")
    shop.deliver_all("checkout.session.async_payment_succeeded")
    assert only_order(app).status is OrderStatus.PAID
    assert auth.client.get(lesson_url(course)).status_code == 200


def test_a_failed_delayed_payment_marks_the_order_failed_and_says_so(app, shop, course, buyer, mailbox):
    pay_url = shop.checkout(course.slug)
    shop.pay(pay_url, action="pay_delayed")
    shop.control("POST", f"checkout/sessions/{shop.session_id(pay_url)}/async_payment/fail")
    shop.deliver_all()
    assert only_order(app).status is OrderStatus.FAILED
    assert count_rows(app, Entitlement) == 0
    assert any("did not go through" in m["Subject"] for m in mailbox.to(buyer.email))


@pytest.mark.parametrize(
    ("outcome", "access", "status"),
    [
        ("won", AccessState.ACTIVE, EntitlementStatus.ACTIVE),
        ("lost", AccessState.REVOKED, EntitlementStatus.REVOKED),
    ],
)
def test_a_dispute_suspends_and_its_close_restores_or_revokes(
    app, shop, paid, course, auth, outcome, access, status
):
    shop.deliver_all()
    shop.control("POST", f"charges/{shop.charge_of(paid)}/dispute")
    shop.deliver_all("charge.dispute.created")
    assert only_order(app).access is AccessState.SUSPENDED
    assert auth.client.get(lesson_url(course)).status_code == 403
    dispute_id = shop.body_of(shop.events("charge.dispute.created")[0])["data"]["object"]["id"]
    shop.control("POST", f"disputes/{dispute_id}/close", status=outcome)
    shop.deliver_all("charge.dispute.closed")
    assert only_order(app).access is access
    assert entitlement_statuses(app) == [status]
    with app.app_context():
        assert net_revenue_cents() == (4900 if outcome == "won" else 0) - stripe_fee(4900)


def test_events_we_do_not_use_and_events_for_no_order_are_acknowledged(app, shop):
    unknown_session = {"id": "cs_test_unknown", "object": "checkout.session"}
    for event_type, obj in (
        ("customer.created", {"id": "cus_1", "object": "customer"}),
        ("checkout.session.completed", unknown_session),
    ):
        body = json.dumps(
            {
                "id": f"evt_{event_type}",
                "object": "event",
                "type": event_type,
                "created": 1,
                "api_version": "2026-10-28.endive",
                "livemode": False,
                "data": {"object": obj},
            },
            separators=(",", ":"),
        )
        response = shop.client.post(
            "/stripe/webhook",
            data=body,
            content_type="application/json",
            headers={"Stripe-Signature": sign(body)},
        )
        assert response.status_code == 200
    assert count_rows(app, StripeEvent) == 2 and count_rows(app, Order) == 0


def test_a_transient_failure_answers_500_so_stripe_retries(app, shop, paid, course, auth):
    [completed] = shop.events("checkout.session.completed")
    working = app.extensions["coursehub.stripe"]
    app.extensions["coursehub.stripe"] = __import__("stripe").StripeClient(
        "sk_test_coursehub_suite_0123456789",
        base_addresses={"api": "http://127.0.0.1:9"},
        max_network_retries=0,
    )
    assert shop.deliver(completed).status_code == 500
    assert count_rows(app, StripeEvent) == 0  # not marked processed: the retry will apply it
    app.extensions["coursehub.stripe"] = working
    assert shop.deliver(completed).status_code == 200
    assert auth.client.get(lesson_url(course)).status_code == 200
