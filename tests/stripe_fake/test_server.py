"""Where the fake may run: loopback only, test keys only, never in production; and its start and stop."""

from __future__ import annotations

import pytest
import requests

from coursehub.stripe_fake import FakeStripe, FakeStripeRefused, create_fake_app
from tests.stripe_fake.support import API_KEY


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.10", "example.com"])  # noqa: S104
def test_refuses_anything_but_loopback(host):
    with pytest.raises(FakeStripeRefused, match="loopback"):
        FakeStripe(API_KEY, host=host)


@pytest.mark.parametrize("key", ["sk_live_" + "x" * 24, "rk_live_" + "x" * 24, "pk_test_abc"])
def test_refuses_live_or_non_secret_keys(key):
    with pytest.raises(FakeStripeRefused, match="test-mode secret key"):
        FakeStripe(key)
    with pytest.raises(FakeStripeRefused):
        create_fake_app(key)


def test_refuses_production(monkeypatch):
    with pytest.raises(FakeStripeRefused, match="production"):
        FakeStripe(API_KEY, production=True)
    with pytest.raises(FakeStripeRefused, match="production"):
        create_fake_app(API_KEY, production=True)
    monkeypatch.setenv("COURSEHUB_ENV", "production")
    with pytest.raises(FakeStripeRefused, match="production"):
        FakeStripe(API_KEY)


def test_port_zero_picks_a_free_port_and_stop_releases_it():
    with FakeStripe(API_KEY) as one, FakeStripe(API_KEY) as two:
        assert one.base_url != two.base_url
        assert one.base_url.startswith("http://127.0.0.1:")
        with requests.Session() as http:
            answer = http.get(f"{one.base_url}/v1/events", headers={"Authorization": f"Bearer {API_KEY}"})
        assert answer.json() == {"object": "list", "data": [], "has_more": False, "url": "/v1/events"}
        url = one.base_url
    with pytest.raises(RuntimeError, match="not started"):
        _ = one.base_url
    with requests.Session() as http, pytest.raises(requests.ConnectionError):
        http.get(f"{url}/v1/events", timeout=2)


def test_a_generated_webhook_secret_looks_like_stripes():
    fake = FakeStripe(API_KEY)
    assert fake.webhook_secret.startswith("whsec_") and len(fake.webhook_secret) > 30


def test_restart_keeps_state_and_one_sender(receiver):
    fake = FakeStripe(API_KEY, webhook_url=receiver.url)
    with fake:
        pass
    with fake:
        assert len(fake.store.listeners) == 1
        assert fake.webhook_url == receiver.url
