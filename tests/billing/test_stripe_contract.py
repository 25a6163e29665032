"""The checkout calls CourseHub makes, asserted once against the stand-in and once against real Stripe.

The real-Stripe run needs STRIPE_TEST_SECRET_KEY (an sk_test_ key) and the network, so offline and in CI
only the stand-in runs; where both run, any drift between them shows up as a failure of one of the two.
"""

import os

import pytest
import stripe

from tests.billing.shop import API_KEY

REAL_KEY = os.environ.get("STRIPE_TEST_SECRET_KEY", "")


@pytest.fixture(
    params=[
        "stand-in",
        pytest.param(
            "stripe",
            marks=pytest.mark.skipif(
                not REAL_KEY.startswith("sk_test_"), reason="STRIPE_TEST_SECRET_KEY is not set"
            ),
        ),
    ]
)
def sdk(request, stripe_fake) -> stripe.StripeClient:
    if request.param == "stand-in":
        return stripe.StripeClient(API_KEY, base_addresses={"api": stripe_fake.base_url})
    return stripe.StripeClient(REAL_KEY)


def test_checkout_session_create_retrieve_and_expire(sdk):
    session = sdk.v1.checkout.sessions.create(
        params={
            "mode": "payment",
            "line_items": [
                {
                    "price_data": {
                        "currency": "usd",
                        "unit_amount": 4900,
                        "product_data": {
                            "name": "Contract test",
                            "metadata": {"product_slug": "contract-test"},
                        },
                    },
                    "quantity": 1,
                }
            ],
            "client_reference_id": "1",
            "metadata": {"order_id": "1", "product_slug": "contract-test"},
            "payment_intent_data": {"metadata": {"order_id": "1"}},
            "allow_promotion_codes": True,
            "success_url": "https://example.com/checkout/success?session_id={CHECKOUT_SESSION_ID}",
            "cancel_url": "https://example.com/",
        }
    )
    assert session.url and session.status == "open"
    fetched = sdk.v1.checkout.sessions.retrieve(
        session.id, params={"expand": ["line_items", "payment_intent"]}
    )
    assert (fetched.payment_status, fetched.amount_subtotal, fetched.currency) == ("unpaid", 4900, "usd")
    assert fetched.metadata.to_dict() == {"order_id": "1", "product_slug": "contract-test"}
    assert fetched.client_reference_id == "1"
    [item] = fetched.line_items.data
    assert (item.quantity, item.amount_subtotal) == (1, 4900)
    assert sdk.v1.checkout.sessions.expire(session.id).status == "expired"
