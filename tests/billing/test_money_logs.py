"""A log line for every webhook, refund and change of access, and the money-side secrets in none."""

import json
import logging

import pytest

from coursehub.core.logs import JsonFormatter
from tests.billing.shop import API_KEY, WEBHOOK_SECRET
from tests.factories import make_user
from tests.helpers import only_order


@pytest.fixture
def money_lines(caplog):
    caplog.set_level(logging.INFO, logger="coursehub")
    formatter = JsonFormatter()
    return lambda: [json.loads(formatter.format(record)) for record in caplog.records]


def test_webhooks_refunds_and_access_changes_are_logged(app, auth, runner, shop, course, money_lines):
    user = make_user(app)
    auth.login(user.email, user.password)
    shop.pay(shop.checkout(course.slug))
    events = shop.events()
    shop.deliver_all()
    order = only_order(app)
    assert runner.invoke(args=["orders", "refund", str(order.id), "--yes"]).exit_code == 0

    lines = money_lines()
    webhooks = [(line["event_id"], line["outcome"]) for line in lines if line["message"] == "webhook"]
    assert webhooks == [(event.id, "applied") for event in events]
    [refund] = [line for line in lines if line["message"] == "refund"]
    assert (refund["order_id"], refund["amount_cents"]) == (order.id, 4900)
    changes = [
        (line["user_id"], line["course_id"], line["to_status"])
        for line in lines
        if line["message"] == "access change"
    ]
    assert changes == [(user.id, course.id, "active"), (user.id, course.id, "revoked")]
    text = json.dumps(lines)
    assert API_KEY not in text and WEBHOOK_SECRET not in text and "v1=" not in text
