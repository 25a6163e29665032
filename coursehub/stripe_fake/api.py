"""The ``/v1`` routes stripe-python calls, answering JSON shaped like Stripe's for API ``stripe.api_version``.

Every POST goes through ``idempotent``: the SDK sends an ``Idempotency-Key`` on each one, and a replay must
return the first outcome while a reuse with other parameters is an ``idempotency_error``.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Callable
from typing import Any

from flask import Blueprint, g, jsonify, request

from coursehub.stripe_fake import checkout, discounts, payments
from coursehub.stripe_fake.app import authenticate, runtime
from coursehub.stripe_fake.errors import StripeError, idempotency_mismatch, invalid
from coursehub.stripe_fake.forms import Params, parse_nested
from coursehub.stripe_fake.state import Includes, SavedResponse, expand, page

blueprint = Blueprint("stripe_fake_api", __name__, url_prefix="/v1")
INCLUDES: Includes = {("checkout.session", "line_items"): checkout.include_line_items}
MAX_IDEMPOTENCY_KEY = 255


def request_params() -> Params:
    source = request.form if request.method == "POST" else request.args
    return Params(parse_nested(source.items(multi=True)))


def origin() -> dict[str, Any]:
    """The ``request`` block of events this API call causes."""
    return {"id": g.request_id, "idempotency_key": request.headers.get("Idempotency-Key")}


def idempotent(view: Callable[..., tuple[dict[str, Any], int]]) -> Callable[..., Any]:
    @functools.wraps(view)
    def wrapper(**kwargs: Any) -> Any:
        key = request.headers.get("Idempotency-Key")
        if not key:
            body, status = view(**kwargs)
            return jsonify(body), status
        if len(key) > MAX_IDEMPOTENCY_KEY:
            raise invalid(f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} characters.")
        store = runtime().store
        slot = (authenticate(), key)
        asked = f"{request.method} {request.path}"
        params = parse_nested(request.form.items(multi=True))
        with store.lock:
            saved = store.idempotency.get(slot)
            if saved is not None:
                if saved.method_path != asked:
                    raise idempotency_mismatch(key, "for the same endpoint they were first used for")
                if saved.params != params:
                    raise idempotency_mismatch(key, "with the same parameters they were first used with")
                response = jsonify(saved.body)
                response.headers["Idempotent-Replayed"] = "true"
                return response, saved.status
            try:
                body, status = view(**kwargs)
            except StripeError as error:
                if error.saved:
                    store.idempotency[slot] = SavedResponse(error.status, error.body(), asked, params)
                raise
            store.idempotency[slot] = SavedResponse(status, body, asked, params)
        return jsonify(body), status

    return wrapper


def _get(object_type: str, object_id: str) -> tuple[dict[str, Any], int]:
    params = request_params()
    paths = params.expand()
    params.finish()
    store = runtime().store
    with store.lock:
        return expand(store, store.get(object_type, object_id), paths, INCLUDES), 200


def _list(params: Params, items: list[dict[str, Any]], url: str) -> tuple[dict[str, Any], int]:
    """Paginate, then apply ``expand[]=data.<field>`` to each item, as Stripe's list endpoints do."""
    limit = params.integer("limit")
    after, before = params.text("starting_after"), params.text("ending_before")
    paths = params.expand()
    params.finish()
    if any(not path.startswith("data.") for path in paths):
        raise invalid("List expansions must start with `data.`.", "expand")
    store = runtime().store
    result = page(items, url, limit, after, before)
    with store.lock:
        result["data"] = [
            expand(store, item, [p.removeprefix("data.") for p in paths], INCLUDES) for item in result["data"]
        ]
    return result, 200


@blueprint.post("/checkout/sessions")
@idempotent
def create_session() -> tuple[dict[str, Any], int]:
    params = request_params()
    paths = params.expand()
    store = runtime().store
    with store.lock:
        session = checkout.create_session(store, params, runtime().base_url())
        return expand(store, session, paths, INCLUDES), 200


@blueprint.get("/checkout/sessions")
def list_sessions() -> Any:
    params = request_params()
    intent = params.text("payment_intent")
    sessions = [
        s for s in runtime().store.all("checkout.session") if intent is None or s["payment_intent"] == intent
    ]
    body, status = _list(params, sessions, "/v1/checkout/sessions")
    return jsonify(body), status


@blueprint.get("/checkout/sessions/<session_id>")
def get_session(session_id: str) -> Any:
    body, status = _get("checkout.session", session_id)
    return jsonify(body), status


@blueprint.get("/checkout/sessions/<session_id>/line_items")
def list_line_items(session_id: str) -> Any:
    params = request_params()
    store = runtime().store
    with store.lock:
        session = store.get("checkout.session", session_id)
        items = checkout.line_items(store, session)
    body, status = _list(params, items, f"/v1/checkout/sessions/{session_id}/line_items")
    return jsonify(body), status


@blueprint.post("/checkout/sessions/<session_id>/expire")
@idempotent
def expire_session(session_id: str) -> tuple[dict[str, Any], int]:
    params = request_params()
    paths = params.expand()
    params.finish()
    store = runtime().store
    with store.lock:
        return expand(store, checkout.expire(store, session_id, origin()), paths, INCLUDES), 200


@blueprint.post("/refunds")
@idempotent
def create_refund() -> tuple[dict[str, Any], int]:
    params = request_params()
    paths = params.expand()
    store = runtime().store
    with store.lock:
        return expand(store, payments.create_refund(store, params, origin()), paths, INCLUDES), 200


@blueprint.post("/coupons")
@idempotent
def create_coupon() -> tuple[dict[str, Any], int]:
    return discounts.create_coupon(runtime().store, request_params()), 200


@blueprint.post("/promotion_codes")
@idempotent
def create_promotion_code() -> tuple[dict[str, Any], int]:
    params = request_params()
    paths = params.expand()
    store = runtime().store
    with store.lock:
        return expand(store, discounts.create_promotion_code(store, params), paths, INCLUDES), 200


@blueprint.get("/promotion_codes")
def list_promotion_codes() -> Any:
    params = request_params()
    code, active = params.text("code"), params.boolean("active")
    codes = [
        p
        for p in runtime().store.all("promotion_code")
        if (code is None or p["code"].lower() == code.lower()) and active in (None, p["active"])
    ]
    body, status = _list(params, codes, "/v1/promotion_codes")
    return jsonify(body), status


@blueprint.get("/refunds")
def list_refunds() -> Any:
    params = request_params()
    charge, intent = params.text("charge"), params.text("payment_intent")
    refunds = [
        r
        for r in runtime().store.all("refund")
        if charge in (None, r["charge"]) and intent in (None, r["payment_intent"])
    ]
    body, status = _list(params, refunds, "/v1/refunds")
    return jsonify(body), status


@blueprint.get("/disputes")
def list_disputes() -> Any:
    params = request_params()
    charge, intent = params.text("charge"), params.text("payment_intent")
    disputes = [
        d
        for d in runtime().store.all("dispute")
        if charge in (None, d["charge"]) and intent in (None, d["payment_intent"])
    ]
    body, status = _list(params, disputes, "/v1/disputes")
    return jsonify(body), status


@blueprint.get("/coupons")
def list_coupons() -> Any:
    body, status = _list(request_params(), runtime().store.all("coupon"), "/v1/coupons")
    return jsonify(body), status


RETRIEVABLE = {
    "payment_intents": "payment_intent",
    "charges": "charge",
    "refunds": "refund",
    "coupons": "coupon",
    "promotion_codes": "promotion_code",
    "disputes": "dispute",
    "products": "product",
    "events": "event",
    "balance_transactions": "balance_transaction",
}


@blueprint.get("/<any(" + ",".join(RETRIEVABLE) + "):collection>/<object_id>")
def retrieve(collection: str, object_id: str) -> Any:
    body, status = _get(RETRIEVABLE[collection], object_id)
    return jsonify(body), status


@blueprint.get("/events")
def list_events() -> Any:
    """Newest first; filters ``type`` (``*`` wildcard), ``types[]``, ``created`` and ``delivery_success``."""
    params = request_params()
    wanted = params.strings("types")
    single = params.text("type")
    if single is not None and wanted:
        raise invalid("You may only specify one of these parameters: type, types.", "types")
    if len(wanted) > 20:
        raise invalid("You may filter by at most 20 event types.", "types")
    bounds = _created_bounds(params)
    delivered = params.boolean("delivery_success")
    store = runtime().store
    with store.lock:
        records = {record.event["id"]: record for record in store.events}
        events = store.all("event")

    def keep(event: dict[str, Any]) -> bool:
        if single is not None and not _type_matches(single, event["type"]):
            return False
        if wanted and event["type"] not in wanted:
            return False
        if not all(check(event["created"]) for check in bounds):
            return False
        return delivered is None or records[event["id"]].delivered == delivered

    body, status = _list(params, [e for e in events if keep(e)], "/v1/events")
    return jsonify(body), status


def _type_matches(pattern: str, event_type: str) -> bool:
    return event_type.startswith(pattern[:-1]) if pattern.endswith("*") else event_type == pattern


def _created_bounds(params: Params) -> list[Callable[[int], bool]]:
    raw = params.raw("created")
    if raw is None:
        return []
    if isinstance(raw, str):
        exact = params.integer("created")
        return [lambda created: created == exact]
    window = params.child("created")
    operators = {"gt": operator.gt, "gte": operator.ge, "lt": operator.lt, "lte": operator.le}
    bounds: list[Callable[[int], bool]] = []
    for name, compare in operators.items():
        bound = window.integer(name) if window is not None else None
        if bound is not None:
            bounds.append(lambda created, compare=compare, bound=bound: compare(created, bound))
    return bounds
