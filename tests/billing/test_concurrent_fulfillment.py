"""Twenty fulfill_checkout calls at once for one paid session grant, record and mail once."""

import threading

import pytest
import requests

from coursehub.accounts.models import User
from coursehub.billing.checkout import start_checkout
from coursehub.billing.fulfillment import fulfill_checkout
from coursehub.billing.models import LedgerEntry, LedgerKind, Order, OrderStatus, Product
from coursehub.core.extensions import db
from coursehub.learning.models import Entitlement
from coursehub.mail.models import OutboxMessage
from tests.databases import require_postgres
from tests.factories import make_course, make_product, make_user
from tests.helpers import count_rows


@pytest.fixture(autouse=True)
def _on_postgres():
    require_postgres()


CALLERS = 20


def fulfil(app, session_id, barrier, errors):
    try:
        with app.app_context():
            barrier.wait(timeout=20)
            fulfill_checkout(session_id)
            db.session.commit()
    except Exception as error:
        errors.append(repr(error))


def test_twenty_concurrent_fulfillments_grant_once(committed_app, stripe_fake):
    app = committed_app
    app.config["MAIL_SEND_AFTER_COMMIT"] = False  # count the receipts in the outbox
    user = make_user(app)
    course = make_course(app, preview=())
    product_id = make_product(app, [course], slug=course.slug, price=4900)
    with app.test_request_context():
        pay_url = start_checkout(
            db.session.get(User, user.id),
            db.session.get(Product, product_id),
            "http://school.test/checkout/success",
            "http://school.test/",
        )
        db.session.commit()
    requests.post(pay_url, data={"action": "pay"}, allow_redirects=False, timeout=10)
    session_id = pay_url.rsplit("/", 1)[1]

    barrier, errors = threading.Barrier(CALLERS), []
    threads = [
        threading.Thread(target=fulfil, args=(app, session_id, barrier, errors)) for _ in range(CALLERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert count_rows(app, Order, Order.status == OrderStatus.PAID) == 1
    assert count_rows(app, Entitlement) == 1
    assert count_rows(app, LedgerEntry, LedgerEntry.kind == LedgerKind.CHARGE) == 1
    assert count_rows(app, LedgerEntry, LedgerEntry.kind == LedgerKind.FEE) == 1
    assert count_rows(app, OutboxMessage, OutboxMessage.subject.like("Your receipt%")) == 1
