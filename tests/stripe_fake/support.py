"""What the Stripe stand-in tests share: the keys, a webhook receiver, CourseHub's session parameters."""

from __future__ import annotations

import http
import json
import threading

import stripe

API_KEY = "sk_test_fake_suite_0123456789"
SECRET = "whsec_test_fake_suite_secret"


class Receiver:
    """A WSGI app on a real port: records each webhook (raw body, Stripe-Signature) and answers in turn."""

    def __init__(self):
        self.received: list[tuple[str, str | None]] = []
        self.statuses: list[int] = []
        self._arrived = threading.Condition()
        self.url = ""

    def __call__(self, environ, start_response):
        body = environ["wsgi.input"].read(int(environ.get("CONTENT_LENGTH") or 0)).decode()
        with self._arrived:
            self.received.append((body, environ.get("HTTP_STRIPE_SIGNATURE")))
            status = self.statuses.pop(0) if self.statuses else 200
            self._arrived.notify_all()
        start_response(f"{status} {http.HTTPStatus(status).phrase}", [("Content-Type", "text/plain")])
        return [b"ok"]

    def wait_for(self, count: int, timeout: float = 5.0) -> list[tuple[str, str | None]]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def verified(self, secret: str = SECRET) -> list[stripe.Event]:
        """Every received body, checked by the real SDK exactly as CourseHub's webhook will check it."""
        return [stripe.Webhook.construct_event(body, header, secret) for body, header in self.received]

    def types(self) -> list[str]:
        return [json.loads(body)["type"] for body, _header in self.received]


def session_params(**overrides) -> dict:
    """What CourseHub's checkout sends (STRIPE.md 1.1), with the server-side catalog price."""
    params = {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": "usd",
                    "unit_amount": 4900,
                    "product_data": {
                        "name": "Postural Blueprint",
                        "metadata": {"course_slug": "postural-blueprint"},
                    },
                },
                "quantity": 1,
            }
        ],
        "client_reference_id": "42",
        "customer_email": "learner@example.com",
        "metadata": {"order_id": "42", "course_slug": "postural-blueprint", "user_id": "7"},
        "payment_intent_data": {"metadata": {"order_id": "42"}},
        "success_url": "http://127.0.0.1:5000/checkout/success?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": "http://127.0.0.1:5000/courses/postural-blueprint",
    }
    params.update(overrides)
    return params


def pay(customer, session, action: str = "pay", **form):
    """Press a button on the hosted pay page, as the customer's customer would (no redirect following)."""
    return customer.post(session.url, data={"action": action, **form}, allow_redirects=False)
