"""Faults around money: the database fails mid-webhook, Stripe is down or slow at checkout or at the
success page. Nothing is half-written, the learner reads a clear message, and a retry finishes the job."""

import socket

import pytest
from sqlalchemy import text

from coursehub.billing.models import AccessState, LedgerEntry, Order, OrderStatus, StripeEvent
from coursehub.core.extensions import db
from coursehub.learning.models import Entitlement
from coursehub.stripe_fake import FakeStripe
from tests.billing.shop import API_KEY, WEBHOOK_SECRET
from tests.databases import backend_name
from tests.factories import make_user
from tests.helpers import count_rows, free_port, lesson_url, only_order, page_text

FAKE_PORT = free_port()
UNREACHABLE = f"http://127.0.0.1:{free_port()}"  # nothing listens there
FAIL_ORDER_UPDATES = {
    "sqlite": [
        "CREATE TRIGGER fail_order_updates BEFORE UPDATE ON orders "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION fail_order_updates() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
        "CREATE TRIGGER fail_order_updates BEFORE UPDATE ON orders "
        "FOR EACH ROW EXECUTE FUNCTION fail_order_updates()",
    ],
}


@pytest.fixture(scope="module")
def stripe_fake():
    """This module's own stand-in on a fixed port, so a test can stop it and start it again."""
    with FakeStripe(API_KEY, webhook_secret=WEBHOOK_SECRET, deliver=False, port=FAKE_PORT) as fake:
        yield fake


@pytest.fixture
def stripe_base(request, stripe_fake):
    """Where the app finds Stripe: the stand-in, a port nobody listens on, or a server that never answers."""
    where = getattr(request, "param", "up")
    if where == "up":
        yield stripe_fake.base_url
    elif where == "unreachable":
        yield UNREACHABLE
    else:
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen(16)
            yield f"http://127.0.0.1:{listener.getsockname()[1]}"


@pytest.fixture
def app_settings(stripe_base):
    return {
        "STRIPE_SECRET_KEY": API_KEY,
        "STRIPE_API_BASE": stripe_base,
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "STRIPE_TIMEOUT": 1,
    }


@pytest.fixture
def buyer(app, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    return user


def run_sql(app, statements) -> None:
    with app.app_context():
        for statement in statements:
            db.session.execute(text(statement))
        db.session.commit()


def test_a_database_failure_mid_webhook_is_5xx_writes_nothing_and_the_retry_applies(app, shop, course, buyer):
    shop.pay(shop.checkout(course.slug))
    [completed] = shop.events("checkout.session.completed")
    run_sql(app, FAIL_ORDER_UPDATES[backend_name()])

    failed = shop.deliver(completed)
    assert failed.status_code == 500 and failed.get_json()["error"]["code"] == "retry"
    assert only_order(app).status is OrderStatus.PENDING
    for model in (StripeEvent, LedgerEntry, Entitlement):
        assert count_rows(app, model) == 0

    run_sql(
        app, ["DROP TRIGGER fail_order_updates" + (" ON orders" if backend_name() == "postgresql" else "")]
    )
    retried = shop.deliver(completed)
    assert retried.status_code == 200 and retried.get_json()["outcome"] == "applied"
    assert only_order(app).access is AccessState.ACTIVE
    # One event, one entitlement, and two ledger lines: the charge and Stripe's fee on it.
    assert (count_rows(app, StripeEvent), count_rows(app, LedgerEntry), count_rows(app, Entitlement)) == (
        1,
        2,
        1,
    )


@pytest.mark.parametrize("stripe_base", ["unreachable", "silent"], indirect=True)
def test_stripe_down_or_slow_at_checkout_gives_a_clear_message(app, auth, course, buyer):
    response = auth.post(
        f"/courses/{course.slug}/buy", form_page=f"/courses/{course.slug}", follow_redirects=True
    )
    assert "We couldn't start the payment just now; you have not been charged." in page_text(response)
    assert count_rows(app, Order) == 0


def test_stripe_down_at_the_success_page_says_processing_and_the_webhook_fulfils(
    app, shop, stripe_fake, course, buyer
):
    pay_url = shop.checkout(course.slug)
    shop.pay(pay_url)
    stripe_fake.stop()
    try:
        waiting = shop.client.get(f"/checkout/success?session_id={shop.session_id(pay_url)}")
    finally:
        stripe_fake.start()
    assert waiting.status_code == 200 and "Payment processing" in page_text(waiting)
    assert shop.client.get(lesson_url(course)).status_code == 403

    assert set(shop.deliver_all()) == {200}
    assert only_order(app).access is AccessState.ACTIVE
    assert shop.client.get(lesson_url(course)).status_code == 200
