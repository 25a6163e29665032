"""Events: listing and paging through the SDK, signed delivery with bounded retries, and the control routes
that redeliver, duplicate and reorder them, or hand them to a test to post itself."""

from __future__ import annotations

import json
import time

import pytest
import stripe
from flask import Flask, request

from coursehub.stripe_fake import create_fake_app, signature_header
from tests.helpers import free_port
from tests.stripe_fake.support import API_KEY, SECRET, pay, session_params


def _paid_sessions(sdk, customer, count: int) -> list[str]:
    ids = []
    for _ in range(count):
        session = sdk.v1.checkout.sessions.create(params=session_params())
        pay(customer, session)
        ids.append(session.id)
    return ids


def test_events_list_newest_first_and_pages_with_auto_paging_iter(sdk, fake, customer):
    ids = _paid_sessions(sdk, customer, 5)
    sdk.v1.checkout.sessions.expire(sdk.v1.checkout.sessions.create(params=session_params()).id)

    first_page = sdk.v1.events.list(params={"limit": 2, "types": ["checkout.session.completed"]})
    assert first_page.has_more and first_page.url == "/v1/events"
    every = list(first_page.auto_paging_iter())
    assert [e.data.object.id for e in every] == ids[::-1]

    assert [e.type for e in sdk.v1.events.list(params={"type": "checkout.session.*", "limit": 1}).data] == [
        "checkout.session.expired"
    ]
    recent = sdk.v1.events.list(params={"created": {"gte": int(time.time()) - 60}, "limit": 100})
    assert len(recent.data) == 6
    assert sdk.v1.events.list(params={"created": {"gt": int(time.time()) + 60}}).data == []
    assert sdk.v1.events.retrieve(every[0].id).type == "checkout.session.completed"
    fake.wait_for_deliveries()
    assert sdk.v1.events.list(params={"delivery_success": False}).data == []


def test_delivery_retries_after_a_500(sdk, fake, receiver, customer, control):
    receiver.statuses = [500, 503]
    session = sdk.v1.checkout.sessions.create(params=session_params())
    pay(customer, session)

    assert fake.wait_for_deliveries(5)
    assert len(receiver.received) == 3
    assert [e.id for e in receiver.verified()] == [receiver.verified()[0].id] * 3  # same event, re-signed
    record = control("GET", "/_fake/events")["data"][0]
    assert [a["status"] for a in record["attempts"]] == [500, 503, 200]
    assert record["delivered"] is True


def test_delivery_stops_after_the_bound(sdk, fake, receiver, customer, control):
    receiver.statuses = [500] * 10
    pay(customer, sdk.v1.checkout.sessions.create(params=session_params()))

    assert fake.wait_for_deliveries(5)
    time.sleep(0.2)  # longer than the retry delay: nothing more arrives
    assert len(receiver.received) == 3
    record = control("GET", "/_fake/events")["data"][0]
    assert [a["attempt"] for a in record["attempts"]] == [1, 2, 3] and record["delivered"] is False
    assert [e.id for e in sdk.v1.events.list(params={"delivery_success": False}).data] == [record["id"]]


def test_connection_errors_are_retried_and_recorded(sdk, fake, customer, control):
    fake.webhook_url = f"http://127.0.0.1:{free_port()}/nothing-listens-here"
    pay(customer, sdk.v1.checkout.sessions.create(params=session_params()))

    assert fake.wait_for_deliveries(5)
    attempts = control("GET", "/_fake/events")["data"][0]["attempts"]
    assert len(attempts) == 3 and all(a["status"] is None and a["error"] for a in attempts)


def test_redeliver_duplicate_and_reverse_order(sdk, fake, receiver, customer, control):
    _paid_sessions(sdk, customer, 3)
    assert fake.wait_for_deliveries()
    events = control("GET", "/_fake/events", params={"type": "checkout.session.completed"})["data"]
    ids = [e["id"] for e in events]

    assert control("POST", f"/_fake/events/{ids[0]}/redeliver")["queued"] is True
    control("POST", f"/_fake/events/{ids[1]}/duplicate")
    reversed_batch = control("POST", "/_fake/events/deliver_reversed", json={"ids": ids})
    assert [e["id"] for e in reversed_batch["data"]] == ids[::-1]

    assert fake.wait_for_deliveries()
    arrived = [e.id for e in receiver.verified()]
    assert arrived == [*ids, ids[0], ids[1], ids[1], *ids[::-1]]
    control("POST", "/_fake/events/evt_nope/redeliver", expect=404)


def test_listed_bodies_and_signatures_verify_as_sent(sdk, fake, customer, control):
    pay(customer, sdk.v1.checkout.sessions.create(params=session_params()))
    record = control("GET", "/_fake/events")["data"][0]

    event = stripe.Webhook.construct_event(record["body"], record["signature"], SECRET)
    assert event.id == record["id"]
    assert json.loads(record["body"]) == json.loads(json.dumps(event.to_dict()))
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(record["body"] + " ", record["signature"], SECRET)


def test_reset_forgets_everything(sdk, control):
    session = sdk.v1.checkout.sessions.create(params=session_params())
    assert control("POST", "/_fake/reset") == {"reset": True}
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.checkout.sessions.retrieve(session.id)
    assert control("GET", "/_fake/events")["data"] == []


def test_without_delivery_a_test_pushes_signed_events_through_a_flask_test_client():
    """No sockets at all: the fake's test client plays Stripe, another app's test client receives."""
    received = []
    webhook_app = Flask("webhook-receiver")

    @webhook_app.post("/stripe/webhook")
    def webhook():
        signature = request.headers["Stripe-Signature"]
        received.append(stripe.Webhook.construct_event(request.get_data(), signature, SECRET))
        return "", 200

    fake_app = create_fake_app(API_KEY, webhook_secret=SECRET, deliver=False)
    fake, app = fake_app.test_client(), webhook_app.test_client()
    auth = {"Authorization": f"Bearer {API_KEY}"}
    form = {
        "mode": "payment",
        "line_items[0][price_data][currency]": "usd",
        "line_items[0][price_data][unit_amount]": "4900",
        "line_items[0][price_data][product_data][name]": "Postural Blueprint",
        "line_items[0][quantity]": "1",
        "success_url": "http://school.test/ok?s={CHECKOUT_SESSION_ID}",
    }
    session = fake.post("/v1/checkout/sessions", data=form, headers=auth).get_json()
    assert session["url"] == f"http://localhost/checkout/pay/{session['id']}"
    paid = fake.post(f"/checkout/pay/{session['id']}", data={"action": "pay"})
    assert paid.status_code == 303 and paid.headers["Location"] == f"http://school.test/ok?s={session['id']}"

    events = fake.get("/_fake/events", headers=auth).get_json()["data"]
    batch = fake.post(f"/_fake/events/{events[0]['id']}/duplicate", headers=auth).get_json()
    assert batch["queued"] is False
    for item in batch["data"]:
        response = app.post(
            "/stripe/webhook",
            data=item["body"],
            content_type="application/json",
            headers={"Stripe-Signature": item["signature"]},
        )
        assert response.status_code == 200
    assert [e.type for e in received] == ["checkout.session.completed"] * 2
    timestamp = int(dict(part.split("=", 1) for part in item["signature"].split(","))["t"])
    assert item["signature"] == signature_header(item["body"], SECRET, timestamp)
