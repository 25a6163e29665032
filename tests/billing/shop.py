"""Driving a purchase end to end against the Stripe stand-in, the way Stripe and a learner would.

The stand-in records its events without sending them (deliver=False); ``Shop.deliver`` posts each
signed body to the app's webhook through the test client, so a test chooses the order, the duplicates
and the forgeries.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import requests

from tests.helpers import csrf_token_from

API_KEY = "sk_test_coursehub_suite_0123456789"
WEBHOOK_SECRET = "whsec_coursehub_suite_secret"


def stripe_fee(amount: int) -> int:
    """Stripe's standard US card fee, 2.9% + 30 cents rounded to the cent, as the stand-in charges it."""
    return int((Decimal(amount) * Decimal("0.029")).quantize(Decimal(1), ROUND_HALF_UP)) + 30


def sign(body: str, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """Stripe's v1 scheme, written out here so the check under test is not the code that signed."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


@dataclass
class StripeEventCopy:
    id: str
    type: str
    body: str
    signature: str


class Shop:
    def __init__(self, fake, client):
        self.fake, self.client = fake, client
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {API_KEY}"

    def control(self, method: str, path: str, **data):
        response = self.http.request(method, f"{self.fake.base_url}/_fake/{path}", data=data or None)
        response.raise_for_status()
        return response.json()

    def buy(self, path: str, form_page: str, **extra):
        """Press Buy; :return: the response (303 to the pay page when checkout started)."""
        token = csrf_token_from(self.client.get(form_page).get_data(as_text=True))
        return self.client.post(path, data={"csrf_token": token, **extra})

    def checkout(self, course_slug: str) -> str:
        response = self.buy(f"/courses/{course_slug}/buy", f"/courses/{course_slug}")
        assert response.status_code == 303, response.status_code
        return response.headers["Location"]

    def pay(self, pay_url: str, action: str = "pay", **form) -> requests.Response:
        return requests.post(pay_url, data={"action": action, **form}, allow_redirects=False, timeout=10)

    def events(self, type_: str | None = None) -> list[StripeEventCopy]:
        listing = self.control("GET", "events" + (f"?type={type_}" if type_ else ""))
        return [StripeEventCopy(e["id"], e["type"], e["body"], e["signature"]) for e in listing["data"]]

    def deliver(self, event: StripeEventCopy, signature: str | None = None, body: str | None = None):
        return self.client.post(
            "/stripe/webhook",
            data=body if body is not None else event.body,
            content_type="application/json",
            headers={"Stripe-Signature": signature or event.signature},
        )

    def deliver_all(self, type_: str | None = None) -> list[int]:
        return [self.deliver(event).status_code for event in self.events(type_)]

    @staticmethod
    def session_id(pay_url: str) -> str:
        return pay_url.rstrip("/").rsplit("/", 1)[1]

    def refund(self, session_id: str, amount: int | None = None):
        session = self.http.get(f"{self.fake.base_url}/v1/checkout/sessions/{session_id}").json()
        data = {"payment_intent": session["payment_intent"]}
        if amount is not None:
            data["amount"] = str(amount)
        return self.http.post(f"{self.fake.base_url}/v1/refunds", data=data).json()

    def charge_of(self, session_id: str) -> str:
        session = self.http.get(f"{self.fake.base_url}/v1/checkout/sessions/{session_id}").json()
        intent = self.http.get(f"{self.fake.base_url}/v1/payment_intents/{session['payment_intent']}").json()
        return intent["latest_charge"]

    @staticmethod
    def body_of(event: StripeEventCopy) -> dict:
        return json.loads(event.body)
