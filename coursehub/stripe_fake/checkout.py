"""Checkout Sessions: creation with Stripe's validation, totals, line items, promotion codes and expiry.

Only ``mode=payment`` with ``price_data`` line items exists here, because that is all CourseHub sends: the
price always comes from the server's catalog, never from a stored Price the client could name.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from coursehub.stripe_fake.discounts import (
    check_redeemable,
    discount_amount,
    promotion_code_by_code,
)
from coursehub.stripe_fake.errors import invalid, missing, state_error
from coursehub.stripe_fake.forms import Params
from coursehub.stripe_fake.state import Store, new_id, page, public

MIN_EXPIRY = 30 * 60
MAX_EXPIRY = 24 * 3600
MIN_CHARGE = 50  # Stripe's floor is about $0.50; below it a session is refused (catches dollars-for-cents)
MAX_LINE_ITEMS = 100
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Presentation-only options real Stripe accepts; the stand-in's page looks the same either way.
PRESENTATION_ONLY = ("locale", "submit_type", "billing_address_collection", "customer_creation")


def _url(params: Params, key: str, required: bool) -> str | None:
    value = params.text(key, required=required)
    if value is not None:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise invalid(f"Not a valid URL: {params.name(key)}", params.name(key), "url_invalid")
    return value


def _line_items(store: Store, params: Params) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The session's lines and the inline Products and Prices behind them, stored only once all is valid."""
    items = params.items("line_items")
    if not items:
        raise missing("line_items")
    if len(items) > MAX_LINE_ITEMS:
        raise invalid(f"You may only specify up to {MAX_LINE_ITEMS} line items.", "line_items")
    lines, created = [], []
    for item in items:
        price_data = item.child("price_data")
        if price_data is None:
            raise missing(item.name("price_data"))
        currency = price_data.text("currency", required=True)
        if not re.fullmatch(r"[a-zA-Z]{3}", currency):
            raise invalid(f"Invalid currency: {currency}", price_data.name("currency"))
        unit_amount = price_data.integer("unit_amount", required=True, minimum=0)
        product_data = price_data.child("product_data")
        if product_data is None:
            raise missing(price_data.name("product_data"))
        product = {
            "id": new_id("prod", 14),
            "object": "product",
            "active": True,
            "created": store.now(),
            "description": product_data.text("description"),
            "livemode": False,
            "metadata": product_data.metadata(),
            "name": product_data.text("name", required=True),
        }
        price = {
            "id": new_id("price"),
            "object": "price",
            "active": False,
            "billing_scheme": "per_unit",
            "created": store.now(),
            "currency": currency.lower(),
            "livemode": False,
            "metadata": {},
            "product": product["id"],
            "recurring": None,
            "type": "one_time",
            "unit_amount": unit_amount,
            "unit_amount_decimal": str(unit_amount),
        }
        quantity = item.integer("quantity", required=True, minimum=1)
        created += [product, price]
        lines.append(
            {
                "id": new_id("li"),
                "price": price["id"],
                "quantity": quantity,
                "description": product["name"],
                "unit_amount": unit_amount,
                "currency": price["currency"],
            }
        )
    if len({line["currency"] for line in lines}) > 1:
        raise invalid("All line items must use the same currency.", "line_items")
    return lines, created


def _discounts(store: Store, params: Params, allow_codes: bool | None, currency: str) -> list[dict[str, Any]]:
    entries = params.items("discounts")
    if not entries:
        return []
    if allow_codes:
        raise invalid(
            "You may only specify one of these parameters: allow_promotion_codes, discounts.", "discounts"
        )
    if len(entries) > 1:
        raise invalid("You may only specify one discount per Checkout Session.", "discounts")
    entry = entries[0]
    coupon_id, promo_id = entry.text("coupon"), entry.text("promotion_code")
    if (coupon_id is None) == (promo_id is None):
        raise invalid("Each discount must name exactly one of coupon or promotion_code.", entry.prefix)
    if promo_id is not None:
        promo = store.get("promotion_code", promo_id, entry.name("promotion_code"))
        check_redeemable(store, promo, currency, entry.name("promotion_code"))
        return [{"coupon": promo["promotion"]["coupon"], "promotion_code": promo_id}]
    store.get("coupon", coupon_id, entry.name("coupon"))
    return [{"coupon": coupon_id, "promotion_code": None}]


def create_session(store: Store, params: Params, base_url: str) -> dict[str, Any]:
    mode = params.text("mode", required=True)
    if mode != "payment":
        raise invalid("The local Stripe stand-in supports only mode=payment.", "mode")
    params.choice("ui_mode", ("hosted_page",))
    params.ignore(*PRESENTATION_ONLY)
    now = store.now()
    expires_at = params.integer("expires_at")
    if expires_at is not None and not now + MIN_EXPIRY <= expires_at <= now + MAX_EXPIRY:
        raise invalid(
            "The `expires_at` timestamp must be between 30 minutes and 24 hours after the Checkout "
            "Session is created.",
            "expires_at",
        )
    email = params.text("customer_email", max_length=800)
    if email is not None and not _EMAIL.match(email):
        raise invalid(f"Invalid email address: {email}", "customer_email", "email_invalid")
    pi_data = params.child("payment_intent_data")
    allow_codes = params.boolean("allow_promotion_codes")
    with store.lock:
        lines, created = _line_items(store, params)
        currency = lines[0]["currency"]
        session_id = new_id("cs_test", 58)
        session = {
            "id": session_id,
            "object": "checkout.session",
            "allow_promotion_codes": allow_codes,
            "amount_subtotal": 0,
            "amount_total": 0,
            "cancel_url": _url(params, "cancel_url", False),
            "client_reference_id": params.text("client_reference_id", max_length=200),
            "created": now,
            "currency": currency,
            "customer": None,
            "customer_details": None,
            "customer_email": email,
            "discounts": _discounts(store, params, allow_codes, currency),
            "expires_at": expires_at or now + MAX_EXPIRY,
            "livemode": False,
            "metadata": params.metadata(),
            "mode": "payment",
            "payment_intent": None,
            "payment_method_types": ["card"],
            "payment_status": "unpaid",
            "status": "open",
            "success_url": _url(params, "success_url", True),
            "total_details": None,
            "ui_mode": "hosted_page",
            "url": f"{base_url.rstrip('/')}/checkout/pay/{session_id}",
            "_lines": lines,
            "_payment_intent_data": {
                "metadata": pi_data.metadata() if pi_data else {},
                "description": pi_data.text("description", max_length=1000) if pi_data else None,
            },
        }
        params.expand()
        params.finish()
        recalculate(store, session)
        if 0 < session["amount_total"] < MIN_CHARGE:
            raise invalid(
                f"The Checkout Session's total amount due must add up to at least {MIN_CHARGE} "
                f"{currency} minor units.",
                "line_items",
                "amount_too_small",
            )
        for obj in created:
            store.add(obj)
        return store.add(session)


def recalculate(store: Store, session: dict[str, Any]) -> None:
    """Subtotal from the line items, minus the (single) discount, recorded in ``total_details``."""
    subtotal = sum(line["unit_amount"] * line["quantity"] for line in session["_lines"])
    discount = sum(discount_amount(store.get("coupon", d["coupon"]), subtotal) for d in session["discounts"])
    session["amount_subtotal"] = subtotal
    session["amount_total"] = subtotal - discount
    session["total_details"] = {"amount_discount": discount, "amount_shipping": 0, "amount_tax": 0}


def line_items(store: Store, session: dict[str, Any]) -> list[dict[str, Any]]:
    """The session's line items with the discount spread over them in proportion (remainder on the last)."""
    discount = session["total_details"]["amount_discount"]
    subtotal = session["amount_subtotal"]
    items, given = [], 0
    for index, line in enumerate(session["_lines"]):
        price = public(store.get("price", line["price"]))
        amount = price["unit_amount"] * line["quantity"]
        last = index == len(session["_lines"]) - 1
        share = discount - given if last else (discount * amount // subtotal if subtotal else 0)
        given += share
        items.append(
            {
                "id": line["id"],
                "object": "item",
                "amount_discount": share,
                "amount_subtotal": amount,
                "amount_tax": 0,
                "amount_total": amount - share,
                "currency": price["currency"],
                "description": line["description"],
                "price": price,
                "quantity": line["quantity"],
            }
        )
    return items


def line_items_page(
    store: Store,
    session: dict[str, Any],
    limit: int | None = None,
    starting_after: str | None = None,
    ending_before: str | None = None,
) -> dict[str, Any]:
    """Line items keep the order they were given in (unlike other lists, which are newest first)."""
    return page(
        line_items(store, session),
        f"/v1/checkout/sessions/{session['id']}/line_items",
        limit,
        starting_after,
        ending_before,
    )


def include_line_items(store: Store, session: dict[str, Any]) -> dict[str, Any]:
    return line_items_page(store, session, limit=100)


def apply_promotion_code(store: Store, session_id: str, code: str) -> dict[str, Any]:
    """What the pay page's code box does; the code's redemption is counted only when the session completes."""
    with store.lock:
        session = open_session(store, session_id)
        if not session["allow_promotion_codes"]:
            raise state_error("This Checkout Session does not accept promotion codes.")
        promo = promotion_code_by_code(store, code)
        if promo is None:
            raise state_error("This code is invalid.", "code", "promotion_code_invalid")
        check_redeemable(store, promo, session["currency"], "code")
        session["discounts"] = [{"coupon": promo["promotion"]["coupon"], "promotion_code": promo["id"]}]
        recalculate(store, session)
        return session


def open_session(store: Store, session_id: str) -> dict[str, Any]:
    session = store.get("checkout.session", session_id)
    if session["status"] != "open":
        raise state_error(
            f"This Checkout Session is no longer open (status: {session['status']}).",
            code="checkout_session_not_open",
        )
    return session


def expire(store: Store, session_id: str, request: dict[str, Any] | None = None) -> dict[str, Any]:
    with store.lock:
        session = store.get("checkout.session", session_id)
        if session["status"] != "open":
            raise state_error("Only Checkout Sessions with a status of `open` can be expired.")
        session["status"] = "expired"
        session["url"] = None
        store.emit("checkout.session.expired", session, request)
        return session


def sweep_expired(store: Store) -> None:
    """Expire open sessions past ``expires_at``: Stripe does it in the background, the fake on any request."""
    with store.lock:
        now = store.now()
        for session in store.all("checkout.session"):
            if session["status"] == "open" and session["expires_at"] <= now:
                expire(store, session["id"])
