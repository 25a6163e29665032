"""Refunds through the SDK (partial, the rest, over-refund refused) and disputes opened and closed through the
control routes, with the events CourseHub's webhook will act on."""

from __future__ import annotations

import pytest
import stripe

from tests.stripe_fake.support import pay, session_params


@pytest.fixture
def paid(sdk, customer, receiver):
    """A session paid by card, its PaymentIntent expanded; the completed webhook already received."""
    session = sdk.v1.checkout.sessions.create(params=session_params())
    pay(customer, session)
    receiver.wait_for(1)
    return sdk.v1.checkout.sessions.retrieve(session.id, params={"expand": ["payment_intent"]})


def test_partial_refund_then_the_rest_then_nothing_more(sdk, receiver, paid):
    intent = paid.payment_intent
    first = sdk.v1.refunds.create(
        params={"payment_intent": intent.id, "amount": 1000, "metadata": {"order_id": "42"}},
        options={"idempotency_key": "refund-42-1"},
    )
    assert (first.amount, first.status, first.charge) == (1000, "succeeded", intent.latest_charge)
    charge = sdk.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (1000, False)

    with pytest.raises(stripe.InvalidRequestError) as raised:
        sdk.v1.refunds.create(params={"payment_intent": intent.id, "amount": 3901})
    assert raised.value.http_status == 400 and raised.value.param == "amount"

    rest = sdk.v1.refunds.create(params={"charge": intent.latest_charge})
    assert rest.amount == 3900
    charge = sdk.v1.charges.retrieve(intent.latest_charge)
    assert (charge.amount_refunded, charge.refunded) == (4900, True)
    assert sdk.v1.refunds.retrieve(first.id).metadata["order_id"] == "42"
    with pytest.raises(stripe.InvalidRequestError, match="already been refunded"):
        sdk.v1.refunds.create(params={"payment_intent": intent.id})

    receiver.wait_for(5)
    events = receiver.verified()
    assert [e.type for e in events[1:]] == ["charge.refunded", "refund.created"] * 2
    assert events[1].data.object.amount_refunded == 1000
    assert events[1].request.idempotency_key == "refund-42-1"
    assert events[3].data.object.refunded is True
    assert events[4].data.object.amount == 3900


def test_a_repeated_refund_request_refunds_once(sdk, paid):
    options = {"idempotency_key": "refund-42-double-click"}
    params = {"payment_intent": paid.payment_intent.id, "amount": 500}
    assert (
        sdk.v1.refunds.create(params=params, options=options).id
        == sdk.v1.refunds.create(params=params, options=options).id
    )
    assert sdk.v1.charges.retrieve(paid.payment_intent.latest_charge).amount_refunded == 500
    assert len(sdk.v1.refunds.list(params={"payment_intent": paid.payment_intent.id}).data) == 1


def test_an_unpaid_session_has_nothing_to_refund(sdk):
    session = sdk.v1.checkout.sessions.create(params=session_params())
    with pytest.raises(stripe.InvalidRequestError) as raised:
        sdk.v1.refunds.create(params={"payment_intent": "pi_missing"})
    assert raised.value.http_status == 404
    assert session.payment_intent is None


@pytest.mark.parametrize("outcome", ["won", "lost"])
def test_dispute_opened_then_closed(sdk, receiver, control, paid, outcome):
    charge_id = paid.payment_intent.latest_charge

    dispute = control("POST", f"/_fake/charges/{charge_id}/dispute", json={"reason": "fraudulent"})
    assert (dispute["status"], dispute["amount"], dispute["charge"]) == ("needs_response", 4900, charge_id)
    assert dispute["payment_intent"] == paid.payment_intent.id
    assert sdk.v1.charges.retrieve(charge_id).disputed is True
    with pytest.raises(stripe.InvalidRequestError, match="charged back"):
        sdk.v1.refunds.create(params={"charge": charge_id})

    closed = control("POST", f"/_fake/disputes/{dispute['id']}/close", data={"status": outcome})
    assert closed["status"] == outcome
    control("POST", f"/_fake/disputes/{dispute['id']}/close", data={"status": outcome}, expect=400)

    receiver.wait_for(3)
    created, closed_event = receiver.verified()[1:]
    assert created.type == "charge.dispute.created" and created.data.object.status == "needs_response"
    assert closed_event.type == "charge.dispute.closed" and closed_event.data.object.status == outcome
    assert closed_event.data.object.charge == charge_id
    assert sdk.v1.disputes.retrieve(dispute["id"]).status == outcome
