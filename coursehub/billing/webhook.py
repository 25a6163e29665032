"""POST /stripe/webhook: Stripe's signed events, verified on the raw body by stripe-python itself."""

from __future__ import annotations

import logging

import stripe
from flask import current_app, request
from sqlalchemy.exc import SQLAlchemyError

from coursehub.billing import bp
from coursehub.billing.events import handle_event
from coursehub.billing.stripe_client import payments_enabled
from coursehub.core.edge import reads_raw_body
from coursehub.core.errors import json_error
from coursehub.core.extensions import csrf, db, limiter

log = logging.getLogger("coursehub.billing")


@bp.post("/stripe/webhook")
@reads_raw_body
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """400 for anything not signed by Stripe (nothing changes); 500 for a passing failure, so Stripe
    retries; 200 for everything else, including duplicates and event types we don't use."""
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if not payments_enabled() or not secret:
        return json_error(404, "not_found", "Payments are not configured.")
    try:
        signature = request.headers.get("Stripe-Signature", "")
        event = stripe.Webhook.construct_event(request.get_data(), signature, secret)
    except (ValueError, stripe.SignatureVerificationError) as error:
        return json_error(400, "bad_signature", f"Webhook rejected: {error}")
    try:
        outcome = handle_event(event)
        db.session.commit()
    except (stripe.StripeError, SQLAlchemyError) as error:
        db.session.rollback()
        # The error's name only: a database error's text carries the statement's parameters.
        log.warning(
            "webhook not applied; Stripe will retry",
            extra={"event_id": event.id, "event_type": event.type, "error": type(error).__name__},
        )
        return json_error(500, "retry", "Temporary failure; please retry.")
    log.info("webhook", extra={"event_id": event.id, "event_type": event.type, "outcome": outcome})
    return {"received": True, "outcome": outcome}
