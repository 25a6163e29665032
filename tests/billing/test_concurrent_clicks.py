"""Twenty clicks at once on PostgreSQL: Buy, Start and Stripe's refund events each act once."""

import threading

import pytest
import requests
from sqlalchemy import func, select

from coursehub.billing.models import LedgerEntry, LedgerKind, Order
from coursehub.core.extensions import db
from coursehub.learning.models import Enrollment, Entitlement
from tests.billing.shop import Shop
from tests.databases import require_postgres
from tests.factories import make_course, make_product, make_user
from tests.helpers import AuthActions, count_rows, csrf_token_from

CLICKS = 20


@pytest.fixture(autouse=True)
def _on_postgres():
    require_postgres()


def at_once(work, count: int = CLICKS) -> list:
    """Run ``work(i)`` in ``count`` threads released together; :return: what each returned or raised."""
    barrier, results = threading.Barrier(count), [None] * count

    def run(index):
        barrier.wait(timeout=20)
        try:
            results[index] = work(index)
        except Exception as error:
            results[index] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    return results


def logged_in_clients(app, user, form_page: str, count: int = CLICKS):
    """``count`` tabs of one logged-in learner, and a CSRF token from ``form_page`` valid in all of them."""
    first = app.test_client()
    AuthActions(first).login(user.email, user.password)
    token = csrf_token_from(first.get(form_page).get_data(as_text=True))
    cookie = first.get_cookie(app.config["SESSION_COOKIE_NAME"])
    clients = []
    for _ in range(count):
        client = app.test_client()
        client.set_cookie(cookie.key, cookie.value)
        clients.append(client)
    return token, clients


def test_twenty_buy_clicks_at_once_make_one_order_and_one_session(committed_app, stripe_fake):
    app = committed_app
    course = make_course(app, preview=())
    make_product(app, [course], slug=course.slug, price=4900)
    token, clients = logged_in_clients(app, make_user(app), f"/courses/{course.slug}")
    responses = at_once(lambda i: clients[i].post(f"/courses/{course.slug}/buy", data={"csrf_token": token}))
    assert [getattr(response, "status_code", response) for response in responses] == [303] * CLICKS
    assert len({response.headers["Location"] for response in responses}) == 1
    assert count_rows(app, Order) == 1


def test_starting_the_free_course_twenty_times_at_once_enrolls_once(committed_app):
    app = committed_app
    free = make_course(app, free=True, preview=())
    user = make_user(app)
    token, clients = logged_in_clients(app, user, f"/courses/{free.slug}")
    responses = at_once(lambda i: clients[i].post(f"/courses/{free.slug}/start", data={"csrf_token": token}))
    assert [getattr(response, "status_code", response) for response in responses] == [302] * CLICKS
    assert count_rows(app, Entitlement, user_id=user.id) == count_rows(app, Enrollment, user_id=user.id) == 1


def test_refund_events_delivered_at_once_record_each_refund_once(committed_app, stripe_fake):
    app = committed_app
    app.config["MAIL_SEND_AFTER_COMMIT"] = False
    course = make_course(app, preview=())
    make_product(app, [course], slug=course.slug, price=4900)
    buyer = app.test_client()
    user = make_user(app)
    AuthActions(buyer).login(user.email, user.password)
    shop = Shop(stripe_fake, buyer)
    shop.control("POST", "reset")
    pay_url = shop.checkout(course.slug)
    requests.post(pay_url, data={"action": "pay"}, allow_redirects=False, timeout=10)
    session_id = shop.session_id(pay_url)
    for amount in (700, 1100, 1300):  # three partial refunds, each event seeing a different total
        shop.refund(session_id, amount)
    events = shop.events()
    deliveries = events * 3
    clients = [app.test_client() for _ in deliveries]
    statuses = at_once(
        lambda i: (
            clients[i]
            .post(
                "/stripe/webhook",
                data=deliveries[i].body,
                content_type="application/json",
                headers={"Stripe-Signature": deliveries[i].signature},
            )
            .status_code
        ),
        count=len(deliveries),
    )
    assert statuses == [200] * len(deliveries)
    with app.app_context():
        refunded = db.session.scalar(
            select(func.sum(LedgerEntry.amount_cents)).where(LedgerEntry.kind == LedgerKind.REFUND)
        )
        order = db.session.scalars(select(Order)).one()
        assert (refunded, order.refunded_cents) == (3100, 3100)
