"""Fixtures for the Stripe stand-in: the fake on a loopback port, the real SDK pointed at it, a webhook
receiver, and a customer's browser for the pay page."""

from __future__ import annotations

import threading

import pytest
import requests
import stripe
from werkzeug.serving import make_server

from coursehub.stripe_fake import FakeStripe
from tests.stripe_fake.support import API_KEY, SECRET, Receiver


@pytest.fixture(autouse=True)
def _no_stripe_telemetry():
    """stripe 16 writes ~/.config/stripe/telemetry_id on the first request unless telemetry is off."""
    before = stripe.enable_telemetry
    stripe.enable_telemetry = False
    yield
    stripe.enable_telemetry = before


@pytest.fixture
def receiver():
    receiver = Receiver()
    server = make_server("127.0.0.1", 0, receiver, threaded=True)
    receiver.url = f"http://127.0.0.1:{server.server_port}/stripe/webhook"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield receiver
    server.shutdown()
    thread.join(timeout=5)
    server.server_close()


@pytest.fixture
def fake(receiver):
    with FakeStripe(
        API_KEY,
        webhook_url=receiver.url,
        webhook_secret=SECRET,
        attempts=3,
        retry_delays=(0.05,),
        redirect_wait=3,
    ) as fake:
        yield fake


@pytest.fixture
def sdk(fake) -> stripe.StripeClient:
    return stripe.StripeClient(API_KEY, base_addresses={"api": fake.base_url}, max_network_retries=0)


@pytest.fixture
def customer():
    """A plain HTTP session playing the customer's browser on the pay page."""
    with requests.Session() as session:
        yield session


@pytest.fixture
def control(fake, customer):
    """POST/GET to the fake's /_fake/ routes with the API key; returns the parsed JSON."""

    def call(method: str, path: str, expect: int = 200, **kwargs):
        response = customer.request(
            method, fake.base_url + path, headers={"Authorization": f"Bearer {API_KEY}"}, **kwargs
        )
        assert response.status_code == expect, response.text
        return response.json()

    return call
