"""The fake's own Flask app: shared wiring (auth, Stripe-shaped errors, request ids) for the three parts.

The parts are ``api`` (the ``/v1`` routes the SDK calls), ``pay_page`` (the hosted Checkout stand-in a
browser visits) and ``control`` (``/_fake/`` routes tests and demos use to play the bank or the card
network). It is never the CourseHub app, and it refuses live keys and production outright.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from coursehub.stripe_fake.errors import StripeError, authentication, unrecognized_url
from coursehub.stripe_fake.events import Deliverer, HttpDelivery, NoDelivery
from coursehub.stripe_fake.state import Store, new_id

DEFAULT_API_KEY = "sk_test_local_coursehub"  # a test-mode key for a local stand-in, not a secret
API_PREFIXES = ("/v1/", "/_fake/")
log = logging.getLogger("coursehub.stripe_fake")


class FakeStripeRefused(RuntimeError):
    """The fake was asked to run somewhere it must never run: a live key, production, or a public address."""


def check_safe(api_key: str, production: bool) -> None:
    """Refuse production (the flag, or ``COURSEHUB_ENV=production`` in the environment) and non-test keys."""
    if production or os.environ.get("COURSEHUB_ENV") == "production":
        raise FakeStripeRefused("The local Stripe stand-in never runs in production configuration.")
    if not api_key.startswith("sk_test_"):
        raise FakeStripeRefused(
            "The local Stripe stand-in needs a test-mode secret key (sk_test_...); "
            "it refuses live keys so no real customer can be charged through it."
        )


@dataclass
class Runtime:
    """Everything the routes share, kept in ``app.extensions["stripe_fake"]``."""

    store: Store
    deliverer: Deliverer
    api_key: str
    webhook_secret: str
    public_url: str | None
    redirect_wait: float

    def base_url(self) -> str:
        return self.public_url or request.host_url.rstrip("/")

    def close(self) -> None:
        """Stop the sender thread and detach it from the store, which may outlive this app."""
        if self.deliverer.submit in self.store.listeners:
            self.store.listeners.remove(self.deliverer.submit)
        self.deliverer.close()


def runtime() -> Runtime:
    return current_app.extensions["stripe_fake"]


def create_fake_app(
    api_key: str = DEFAULT_API_KEY,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    deliver: bool = True,
    public_url: str | None = None,
    store: Store | None = None,
    deliverer: Deliverer | None = None,
    attempts: int = 4,
    retry_delays: tuple[float, ...] = (0.25, 1.0, 2.0),
    redirect_wait: float = 10.0,
    production: bool = False,
) -> Flask:
    """Build the fake. ``deliver=False`` records events without sending them (tests push them instead).

    ``public_url`` is the base of the pay-page links in sessions; without it the request's own host is used.
    ``redirect_wait`` caps how long the pay page waits for the first webhook answer before redirecting.
    Call ``app.extensions["stripe_fake"].close()`` (``FakeStripe.stop()`` does) to stop the sender thread.
    """
    from coursehub.stripe_fake import api, control, pay_page

    check_safe(api_key, production)
    store = store or Store()
    secret = webhook_secret or "whsec_" + secrets.token_hex(24)
    if deliverer is None:
        deliverer = (
            HttpDelivery(webhook_url, secret, store.lock, attempts, retry_delays) if deliver else NoDelivery()
        )
    store.listeners.append(deliverer.submit)
    app = Flask(__name__)
    app.extensions["stripe_fake"] = Runtime(store, deliverer, api_key, secret, public_url, redirect_wait)
    app.json.sort_keys = False
    app.register_blueprint(api.blueprint)
    app.register_blueprint(control.blueprint)
    app.register_blueprint(pay_page.blueprint)
    app.before_request(_before_request)
    app.after_request(_after_request)
    app.register_error_handler(StripeError, _stripe_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(Exception, _unexpected_error)
    return app


def _is_api() -> bool:
    return request.path.startswith(API_PREFIXES)


def _before_request() -> None:
    from coursehub.stripe_fake.checkout import sweep_expired

    g.request_id = new_id("req", 14)
    sweep_expired(runtime().store)
    if _is_api():
        authenticate()


def authenticate() -> str:
    """Bearer ``sk_test_`` key equal to the configured one; anything else is a 401 in Stripe's shape."""
    header = request.headers.get("Authorization", "")
    scheme, _, key = header.partition(" ")
    if not header or scheme != "Bearer" or not key.strip():
        raise authentication(
            "You did not provide an API key. You need to provide your API key in the "
            "Authorization header, using Bearer auth (e.g. 'Authorization: Bearer "
            "YOUR_SECRET_KEY')."
        )
    key = key.strip()
    if key.startswith(("sk_live_", "rk_live_")):
        raise authentication("The local Stripe stand-in never accepts live-mode keys.")
    if key != runtime().api_key:
        masked = key[:8] + "*" * max(len(key) - 12, 0) + key[-4:]
        raise authentication(f"Invalid API Key provided: {masked}")
    return key


def _after_request(response: Any) -> Any:
    response.headers["Request-Id"] = g.get("request_id", "")
    return response


def _stripe_error(error: StripeError) -> Any:
    response = jsonify(error.body())
    response.status_code = error.status
    return response


def _unexpected_error(error: Exception) -> Any:
    """A bug in the fake reaches the SDK as a Stripe-shaped ``api_error`` (``stripe.APIError``), logged."""
    log.exception("stripe fake: unexpected error on %s %s", request.method, request.path)
    if not _is_api():
        return "The local Stripe stand-in failed; see its log.", 500, {"Content-Type": "text/plain"}
    return _stripe_error(StripeError(500, "api_error", f"The local Stripe stand-in failed: {error!r}"))


def _http_error(error: HTTPException) -> Any:
    if _is_api() and error.code in (404, 405):
        return _stripe_error(unrecognized_url(request.method, request.path))
    return error
