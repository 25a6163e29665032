"""POST /stripe/webhook: Stripe's signed events, verified on the raw body by stripe-python itself."""

from __future__ import annotations

import json
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


def shape_problem(body: bytes) -> str | None:
    """What keeps a correctly signed body from being an event we can read; None when it is one."""
    try:
        event = json.loads(body)
    except ValueError:
        return "the body is not JSON"
    if not isinstance(event, dict):
        return "the body is not a JSON object"
    for key in ("id", "type"):
        if not isinstance(event.get(key), str) or not event[key]:
            return f"the event has no {key}"
    if not isinstance(event.get("created"), int) or isinstance(event["created"], bool):
        return "the event has no created time"
    data = event.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if not isinstance(obj, dict) or not isinstance(obj.get("id"), str):
        return "the event's data.object is not a Stripe object with an id"
    return None


def _permanent(error: stripe.StripeError) -> bool:
    """Stripe answered that the object does not exist: a retry will never find it."""
    return isinstance(error, stripe.InvalidRequestError) and error.http_status == 404


@bp.post("/stripe/webhook")
@reads_raw_body
@csrf.exempt
@limiter.exempt
def stripe_webhook():
    """400 for anything not signed by Stripe or not shaped like an event (nothing changes); 500 for a
    passing failure, so Stripe retries; 200 for everything else, including duplicates, event types we
    don't use and objects Stripe itself no longer knows (logged as not ours)."""
    secret = current_app.config["STRIPE_WEBHOOK_SECRET"]
    if not payments_enabled() or not secret:
        return json_error(404, "not_found", "Payments are not configured.")
    body, signature = request.get_data(), request.headers.get("Stripe-Signature", "")
    try:
        stripe.WebhookSignature.verify_header(
            body.decode("utf-8"), signature, secret, stripe.Webhook.DEFAULT_TOLERANCE
        )
    except (UnicodeDecodeError, stripe.SignatureVerificationError) as error:
        return json_error(400, "bad_signature", f"Webhook rejected: {error}")
    problem = shape_problem(body)
    if problem:
        return json_error(400, "bad_event", f"Webhook rejected: {problem}.")
    event = stripe.Webhook.construct_event(body, signature, secret)
    try:
        outcome = handle_event(event)
        db.session.commit()
    except stripe.StripeError as error:
        db.session.rollback()
        if _permanent(error):
            log.warning("Stripe event %s (%s) is not ours: %s; acknowledged", event.id, event.type, error)
            return {"received": True, "outcome": "not-ours"}
        log.warning("Stripe event %s not applied yet (%s); Stripe will retry", event.id, error)
        return json_error(500, "retry", "Temporary failure; please retry.")
    except SQLAlchemyError as error:
        db.session.rollback()
        # The error's name only: a database error's text carries the statement's parameters.
        log.warning(
            "webhook not applied; Stripe will retry",
            extra={"event_id": event.id, "event_type": event.type, "error": type(error).__name__},
        )
        return json_error(500, "retry", "Temporary failure; please retry.")
    log.info("webhook", extra={"event_id": event.id, "event_type": event.type, "outcome": outcome})
    return {"received": True, "outcome": outcome}
