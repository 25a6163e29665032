"""The one place the app builds its Stripe client.

Real Stripe by default; with STRIPE_API_BASE (tests and the offline demo only, refused in production)
the same SDK talks to the local stand-in in coursehub/stripe_fake/.
"""

from __future__ import annotations

import stripe
from flask import Flask, current_app

# stripe-python 16 writes a telemetry id file into ~/.config on the first request unless told not to.
stripe.enable_telemetry = False
# The SDK waits 80 s by default. A slow Stripe must not hold a worker (and any row it locked) that long:
# STRIPE_TIMEOUT (10 s) per try, and two retries, which the SDK makes safe with the same idempotency key.
NETWORK_RETRIES = 2


class PaymentsNotConfigured(RuntimeError):
    """STRIPE_SECRET_KEY is not set: checkout is off."""


def stripe_client() -> stripe.StripeClient:
    client = current_app.extensions.get("coursehub.stripe")
    if client is None:
        raise PaymentsNotConfigured("STRIPE_SECRET_KEY is not set")
    return client


def payments_enabled() -> bool:
    return current_app.extensions.get("coursehub.stripe") is not None


def register_stripe(app: Flask) -> None:
    key = app.config["STRIPE_SECRET_KEY"]
    if not key:
        return
    base = app.config["STRIPE_API_BASE"]
    # A short timeout: a learner waiting on Buy gets an answer in seconds, not the SDK's default 80 s.
    app.extensions["coursehub.stripe"] = stripe.StripeClient(
        key,
        base_addresses={"api": base} if base else None,
        max_network_retries=NETWORK_RETRIES,
        http_client=stripe.new_default_http_client(timeout=app.config["STRIPE_TIMEOUT"]),
    )
