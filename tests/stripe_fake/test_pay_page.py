"""The hosted pay page: Pay, the delayed method and its later outcome, Decline, promotion codes, Cancel, and
the signed webhooks each one sends, verified by the real ``stripe.Webhook.construct_event``."""

from __future__ import annotations

import re

from tests.stripe_fake.support import pay, session_params


def test_pay_completes_the_session_and_delivers_a_verified_webhook(sdk, fake, receiver, customer):
    session = sdk.v1.checkout.sessions.create(params=session_params())

    response = pay(customer, session)

    assert response.status_code == 303
    assert response.headers["Location"] == (f"http://127.0.0.1:5000/checkout/success?session_id={session.id}")
    # The page waits for the first delivery before redirecting, as Checkout does.
    assert receiver.types() == ["checkout.session.completed"]
    event = receiver.verified()[0]
    assert event.api_version == "2026-10-28.endive" and event.livemode is False
    completed = event.data.object
    assert (completed.id, completed.status, completed.payment_status) == (session.id, "complete", "paid")
    assert completed.metadata["order_id"] == "42"

    intent = sdk.v1.payment_intents.retrieve(completed.payment_intent)
    assert (intent.status, intent.amount_received) == ("succeeded", 4900)
    assert intent.metadata.to_dict() == {"order_id": "42"}  # from payment_intent_data, not session metadata
    charge = sdk.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount, charge.amount_refunded) == (4900, 0)
    assert (charge.refunded, charge.disputed) == (False, False)
    assert (charge.payment_intent, charge.currency, charge.paid) == (intent.id, "usd", True)


def test_delayed_method_completes_unpaid_then_succeeds(sdk, fake, receiver, customer, control):
    session = sdk.v1.checkout.sessions.create(params=session_params())

    assert pay(customer, session, "pay_delayed").status_code == 303
    after_pay = sdk.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
    assert (after_pay.status, after_pay.payment_status) == ("complete", "unpaid")
    assert after_pay.payment_intent.status == "processing"

    settled = control("POST", f"/_fake/checkout/sessions/{session.id}/async_payment/succeed")
    assert settled["payment_status"] == "paid"
    receiver.wait_for(2)
    events = receiver.verified()
    assert [e.type for e in events] == [
        "checkout.session.completed",
        "checkout.session.async_payment_succeeded",
    ]
    assert events[0].data.object.payment_status == "unpaid"
    assert events[1].data.object.payment_status == "paid"
    assert sdk.v1.payment_intents.retrieve(after_pay.payment_intent.id).status == "succeeded"
    control("POST", f"/_fake/checkout/sessions/{session.id}/async_payment/fail", expect=400)


def test_delayed_method_can_fail(sdk, fake, receiver, customer, control):
    session = sdk.v1.checkout.sessions.create(params=session_params())
    pay(customer, session, "pay_delayed")

    control("POST", f"/_fake/checkout/sessions/{session.id}/async_payment/fail")

    receiver.wait_for(2)
    failed = receiver.verified()[1]
    assert failed.type == "checkout.session.async_payment_failed"
    assert (failed.data.object.status, failed.data.object.payment_status) == ("complete", "unpaid")
    intent = sdk.v1.payment_intents.retrieve(failed.data.object.payment_intent)
    assert intent.status == "requires_payment_method"
    assert sdk.v1.charges.retrieve(intent.latest_charge).status == "failed"


def test_decline_shows_the_message_and_keeps_the_session_open(sdk, fake, receiver, customer):
    session = sdk.v1.checkout.sessions.create(params=session_params())

    response = pay(customer, session, "decline")

    assert response.status_code == 200
    assert "Your card was declined." in response.text
    assert sdk.v1.checkout.sessions.retrieve(session.id).status == "open"
    assert pay(customer, session).status_code == 303  # the customer can try again
    assert receiver.types() == ["checkout.session.completed"]


def test_page_shows_items_total_and_cancel_link_without_script(sdk, customer):
    session = sdk.v1.checkout.sessions.create(params=session_params(allow_promotion_codes=True))

    page = customer.get(session.url)

    assert page.status_code == 200
    assert "Postural Blueprint" in page.text and "49.00 USD" in page.text
    assert 'href="http://127.0.0.1:5000/courses/postural-blueprint"' in page.text
    assert 'id="code"' in page.text
    assert "<script" not in page.text.lower()
    plain = customer.get(sdk.v1.checkout.sessions.create(params=session_params()).url)
    assert 'id="code"' not in plain.text


def test_promotion_code_reduces_the_total(sdk, fake, receiver, customer):
    coupon = sdk.v1.coupons.create(params={"percent_off": 25, "duration": "once", "name": "Launch"})
    promo = sdk.v1.promotion_codes.create(
        params={"promotion": {"type": "coupon", "coupon": coupon.id}, "code": "LAUNCH25"}
    )
    session = sdk.v1.checkout.sessions.create(params=session_params(allow_promotion_codes=True))

    wrong = pay(customer, session, "apply_code", code="NOPE")
    assert "This code is invalid." in wrong.text
    applied = pay(customer, session, "apply_code", code="launch25")
    assert applied.status_code == 303
    assert re.search(r"Total due.*36\.75 USD", customer.get(session.url).text, re.S)

    discounted = sdk.v1.checkout.sessions.retrieve(session.id, params={"expand": ["line_items"]})
    assert (discounted.amount_subtotal, discounted.amount_total) == (4900, 3675)
    assert discounted.total_details.amount_discount == 1225
    assert discounted.discounts[0].promotion_code == promo.id
    assert discounted.line_items.data[0].amount_discount == 1225
    pay(customer, session)
    assert receiver.verified()[0].data.object.amount_total == 3675
    assert sdk.v1.promotion_codes.retrieve(promo.id).times_redeemed == 1
    paid = sdk.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})
    assert sdk.v1.charges.retrieve(paid.payment_intent.latest_charge).amount == 3675


def test_full_discount_completes_without_payment(sdk, customer, receiver):
    coupon = sdk.v1.coupons.create(params={"percent_off": 100})
    session = sdk.v1.checkout.sessions.create(params=session_params(discounts=[{"coupon": coupon.id}]))
    assert session.amount_total == 0

    pay(customer, session)

    done = sdk.v1.checkout.sessions.retrieve(session.id)
    assert (done.payment_status, done.payment_intent) == ("no_payment_required", None)


def test_a_finished_session_cannot_be_paid_again(sdk, customer):
    session = sdk.v1.checkout.sessions.create(params=session_params())
    pay(customer, session)

    again = pay(customer, session)

    assert again.status_code == 409
    assert "no longer active" in customer.get(session.url).text
    assert customer.get(session.url.replace(session.id, "cs_test_nope")).status_code == 404
