"""``/_fake/`` routes: what the bank, the card network and Stripe's dashboard would do, on demand.

Same Bearer key as the API. Parameters may be form-encoded (like the API) or JSON. Every event-delivery
route answers the events it handled in the order it handled them, each with its exact body and a freshly
signed ``Stripe-Signature``; with delivery switched off (``queued: false``) the caller posts them itself.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from coursehub.stripe_fake import payments
from coursehub.stripe_fake.app import runtime
from coursehub.stripe_fake.errors import invalid
from coursehub.stripe_fake.events import signature_header
from coursehub.stripe_fake.forms import Params, parse_nested
from coursehub.stripe_fake.state import EventRecord, public

blueprint = Blueprint("stripe_fake_control", __name__, url_prefix="/_fake")


def _params() -> Params:
    if request.is_json:
        data = request.get_json(silent=True)
        if not isinstance(data, dict):
            raise invalid("The JSON body must be an object.")
        return Params(_as_form_values(data))
    return Params(parse_nested(request.form.items(multi=True)))


def _as_form_values(value: Any) -> Any:
    """JSON numbers and booleans read the way the form encoding would have sent them."""
    if isinstance(value, dict):
        return {key: _as_form_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_form_values(item) for item in value]
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if value is None or isinstance(value, str) else str(value)


def describe(record: EventRecord) -> dict[str, Any]:
    rt = runtime()
    with rt.store.lock:
        attempts = [dict(attempt) for attempt in record.attempts]
    return {
        "id": record.event["id"],
        "type": record.event["type"],
        "created": record.event["created"],
        "body": record.body,
        "signature": signature_header(record.body, rt.webhook_secret),
        "delivered": record.delivered,
        "attempts": attempts,
    }


def _deliver(records: list[EventRecord]) -> Any:
    deliverer = runtime().deliverer
    for record in records:
        deliverer.submit(record)
    return jsonify({"object": "list", "queued": deliverer.enabled, "data": [describe(r) for r in records]})


@blueprint.post("/checkout/sessions/<session_id>/async_payment/<any(succeed, fail):outcome>")
def settle_async(session_id: str, outcome: str) -> Any:
    _params().finish()
    session = payments.settle_async(runtime().store, session_id, succeeded=outcome == "succeed")
    return jsonify(public(session))


@blueprint.post("/charges/<charge_id>/dispute")
def open_dispute(charge_id: str) -> Any:
    return jsonify(public(payments.open_dispute(runtime().store, charge_id, _params())))


@blueprint.post("/disputes/<dispute_id>/close")
def close_dispute(dispute_id: str) -> Any:
    return jsonify(public(payments.close_dispute(runtime().store, dispute_id, _params())))


@blueprint.get("/events")
def list_events() -> Any:
    """Oldest first (the order they happened), optionally only one ``type``."""
    params = Params(parse_nested(request.args.items(multi=True)))
    wanted = params.text("type")
    params.finish()
    store = runtime().store
    with store.lock:
        records = [r for r in store.events if wanted is None or r.event["type"] == wanted]
    return jsonify({"object": "list", "data": [describe(r) for r in records]})


@blueprint.get("/events/<event_id>")
def get_event(event_id: str) -> Any:
    return jsonify(describe(runtime().store.event_record(event_id)))


@blueprint.post("/events/<event_id>/redeliver")
def redeliver(event_id: str) -> Any:
    _params().finish()
    return _deliver([runtime().store.event_record(event_id)])


@blueprint.post("/events/<event_id>/duplicate")
def duplicate(event_id: str) -> Any:
    """The same event twice in a row, as Stripe occasionally does."""
    _params().finish()
    record = runtime().store.event_record(event_id)
    return _deliver([record, record])


@blueprint.post("/events/deliver_reversed")
def deliver_reversed() -> Any:
    """The given events newest-to-oldest, since Stripe does not promise order."""
    params = _params()
    ids = params.strings("ids")
    params.finish()
    if not ids:
        raise invalid("Missing required param: ids.", "ids", "parameter_missing")
    store = runtime().store
    return _deliver([store.event_record(event_id) for event_id in reversed(ids)])


@blueprint.post("/reset")
def reset() -> Any:
    """Forget every object, event and idempotency key (deliveries already queued still go out)."""
    runtime().store.reset()
    return jsonify({"reset": True})
