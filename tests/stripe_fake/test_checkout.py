"""Checkout Sessions through the real stripe-python SDK: create, retrieve with expand, line items, list,
expire, validation, auth, idempotency and Stripe's error shape."""

from __future__ import annotations

from decimal import Decimal

import pytest
import requests
import stripe

from tests.stripe_fake.support import API_KEY, pay, session_params


def test_create_answers_an_open_unpaid_session_with_a_pay_page_url(sdk, fake):
    session = sdk.v1.checkout.sessions.create(params=session_params())

    assert session.id.startswith("cs_test_")
    assert session.object == "checkout.session"
    assert session.url == f"{fake.base_url}/checkout/pay/{session.id}"
    assert (session.status, session.payment_status, session.payment_intent) == ("open", "unpaid", None)
    assert (session.amount_subtotal, session.amount_total, session.currency) == (4900, 4900, "usd")
    assert session.client_reference_id == "42"
    assert session.customer_email == "learner@example.com"
    assert session.metadata.to_dict() == {
        "order_id": "42",
        "course_slug": "postural-blueprint",
        "user_id": "7",
    }
    assert session.success_url.endswith("session_id={CHECKOUT_SESSION_ID}")
    assert "line_items" not in session  # only when expanded, as at Stripe


def test_retrieve_expands_line_items_and_payment_intent_then_line_items_list(sdk, customer):
    created = sdk.v1.checkout.sessions.create(
        params=session_params(
            line_items=[
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 4900,
                        "product_data": {"name": "Postural Blueprint"},
                    },
                    "quantity": 1,
                },
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 2500,
                        "product_data": {"name": "Stretching"},
                    },
                    "quantity": 2,
                },
            ]
        )
    )

    session = sdk.v1.checkout.sessions.retrieve(created.id, params={"expand": ["line_items"]})
    assert isinstance(session.line_items, stripe.ListObject)
    first, second = session.line_items.data
    assert (first.description, first.quantity, first.amount_total) == ("Postural Blueprint", 1, 4900)
    assert (second.price.unit_amount, second.quantity, second.amount_total) == (2500, 2, 5000)
    assert first.price.unit_amount_decimal == Decimal("4900")
    assert first.price.currency == "usd" and first.price.product.startswith("prod_")
    assert session.amount_total == 9900

    page = sdk.v1.checkout.sessions.line_items.list(created.id, params={"limit": 1})
    assert page.object == "list" and page.has_more and page.url.endswith(f"/{created.id}/line_items")
    assert [item.description for item in page.auto_paging_iter()] == ["Postural Blueprint", "Stretching"]

    assert pay(customer, created).status_code == 303
    paid = sdk.v1.checkout.sessions.retrieve(
        created.id, params={"expand": ["payment_intent", "line_items.data.price.product"]}
    )
    assert paid.payment_intent.object == "payment_intent"
    assert paid.payment_intent.latest_charge.startswith("ch_")
    assert paid.line_items.data[0].price.product.name == "Postural Blueprint"


def test_product_metadata_travels_with_the_price(sdk):
    session = sdk.v1.checkout.sessions.create(params=session_params())
    item = sdk.v1.checkout.sessions.line_items.list(session.id).data[0]
    product = sdk.v1.products.retrieve(item.price.product)
    assert product.metadata["course_slug"] == "postural-blueprint"


def test_list_sessions_by_payment_intent(sdk, customer):
    paid = sdk.v1.checkout.sessions.create(params=session_params())
    sdk.v1.checkout.sessions.create(params=session_params(client_reference_id="43"))
    pay(customer, paid)
    intent = sdk.v1.checkout.sessions.retrieve(paid.id).payment_intent

    found = sdk.v1.checkout.sessions.list(params={"payment_intent": intent})
    assert [s.id for s in found.data] == [paid.id]
    assert len(sdk.v1.checkout.sessions.list().data) == 2


def test_expire_closes_an_open_session_and_emits_the_event(sdk, fake, receiver):
    session = sdk.v1.checkout.sessions.create(params=session_params())
    expired = sdk.v1.checkout.sessions.expire(session.id)
    assert (expired.status, expired.url) == ("expired", None)

    receiver.wait_for(1)
    event = receiver.verified()[0]
    assert event.type == "checkout.session.expired" and event.data.object.id == session.id
    assert event.request.idempotency_key  # the SDK's automatic key, recorded as Stripe does
    with pytest.raises(stripe.InvalidRequestError, match="status of `open`"):
        sdk.v1.checkout.sessions.expire(session.id)


@pytest.mark.parametrize(
    ("overrides", "param"),
    [
        ({"mode": "subscription"}, "mode"),
        ({"line_items": None}, "line_items"),
        ({"success_url": "not a url"}, "success_url"),
        ({"customer_email": "nobody"}, "customer_email"),
        (
            {
                "line_items": [
                    {"price_data": {"currency": "usd", "unit_amount": 4900, "product_data": {"name": "X"}}}
                ]
            },
            "line_items[0][quantity]",
        ),
        (
            {
                "line_items": [
                    {
                        "price_data": {"currency": "usd", "unit_amount": 49, "product_data": {"name": "X"}},
                        "quantity": 1,
                    }
                ]
            },
            "line_items",
        ),
        ({"expires_at": 1}, "expires_at"),
        ({"allow_promotion_codes": True, "discounts": [{"coupon": "X"}]}, "discounts"),
        (
            {"payment_intent_data": {"metadata": {"order_id": "42"}, "setup_future_usage": "off_session"}},
            "payment_intent_data[setup_future_usage]",
        ),
    ],
)
def test_invalid_sessions_are_refused_naming_the_param(sdk, overrides, param):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        sdk.v1.checkout.sessions.create(params=session_params(**overrides))
    assert raised.value.http_status == 400
    assert raised.value.param == param


def test_unknown_id_is_a_404_invalid_request_error(sdk):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        sdk.v1.checkout.sessions.retrieve("cs_test_missing")
    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"
    with pytest.raises(stripe.InvalidRequestError, match="Unrecognized request URL"):
        sdk.raw_request("get", "/v1/customers")


def test_live_and_wrong_keys_are_authentication_errors(fake):
    live = stripe.StripeClient("sk_live_" + "x" * 24, base_addresses={"api": fake.base_url})
    with pytest.raises(stripe.AuthenticationError) as raised:
        live.v1.checkout.sessions.list()
    assert raised.value.http_status == 401
    wrong = stripe.StripeClient("sk_test_someone_else_1234", base_addresses={"api": fake.base_url})
    with pytest.raises(stripe.AuthenticationError, match=r"sk_test_\*+1234"):
        wrong.v1.checkout.sessions.list()


def test_errors_have_stripes_json_shape(fake):
    with requests.Session() as http:
        missing_key = http.get(f"{fake.base_url}/v1/checkout/sessions")
        not_found = http.get(
            f"{fake.base_url}/v1/charges/ch_nope", headers={"Authorization": f"Bearer {API_KEY}"}
        )
    assert missing_key.status_code == 401
    assert set(missing_key.json()["error"]) >= {"type", "message", "param", "code"}
    assert missing_key.json()["error"]["type"] == "authentication_error"
    assert not_found.status_code == 404
    assert not_found.json()["error"]["type"] == "invalid_request_error"
    assert not_found.headers["Request-Id"].startswith("req_")


def test_idempotency_key_replays_and_refuses_changed_params(sdk, fake):
    options = {"idempotency_key": "checkout-order-42"}
    first = sdk.v1.checkout.sessions.create(params=session_params(), options=options)
    again = sdk.v1.checkout.sessions.create(params=session_params(), options=options)
    assert again.id == first.id
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert len(sdk.v1.checkout.sessions.list().data) == 1

    with pytest.raises(stripe.IdempotencyError):
        sdk.v1.checkout.sessions.create(params=session_params(client_reference_id="43"), options=options)
    with pytest.raises(stripe.IdempotencyError):
        sdk.v1.coupons.create(params={"percent_off": 10}, options=options)


def test_a_refused_request_does_not_burn_its_idempotency_key(sdk):
    """Stripe saves a result only once the endpoint ran, so a corrected retry with the same key works."""
    options = {"idempotency_key": "checkout-order-44"}
    with pytest.raises(stripe.InvalidRequestError):
        sdk.v1.checkout.sessions.create(params=session_params(mode="setup"), options=options)
    assert sdk.v1.checkout.sessions.create(params=session_params(), options=options).status == "open"
