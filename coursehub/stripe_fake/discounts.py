"""Coupons and promotion codes, and what they take off a Checkout Session's subtotal.

Since API 2025-09-30.clover a promotion code names its coupon as ``promotion[coupon]`` (with
``promotion[type]=coupon``) rather than a top-level ``coupon``; the fake accepts only the current shape.
"""

from __future__ import annotations

import secrets
import string
from typing import Any

from coursehub.stripe_fake.errors import invalid, state_error
from coursehub.stripe_fake.forms import Params
from coursehub.stripe_fake.state import Store, new_id


def _random_code() -> str:
    return "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(8))


def create_coupon(store: Store, params: Params) -> dict[str, Any]:
    coupon_id = params.text("id", max_length=200) or _random_code()
    percent_off = params.number("percent_off")
    amount_off = params.integer("amount_off", minimum=1)
    currency = params.text("currency")
    if (percent_off is None) == (amount_off is None):
        raise invalid("You must pass exactly one of percent_off or amount_off.", "percent_off")
    if percent_off is not None and not 0 < percent_off <= 100:
        raise invalid("Invalid percent_off: must be greater than 0 and at most 100", "percent_off")
    if amount_off is not None and currency is None:
        raise invalid("You must pass currency when passing amount_off.", "currency")
    duration = params.choice("duration", ("once", "forever", "repeating")) or "once"
    if duration == "repeating":
        raise invalid(
            "The local Stripe stand-in supports only one-time payments: use duration=once or forever.",
            "duration",
        )
    coupon = {
        "id": coupon_id,
        "object": "coupon",
        "amount_off": amount_off,
        "currency": currency.lower() if currency else None,
        "created": store.now(),
        "duration": duration,
        "duration_in_months": None,
        "livemode": False,
        "max_redemptions": params.integer("max_redemptions", minimum=1),
        "metadata": params.metadata(),
        "name": params.text("name", max_length=40),
        "percent_off": percent_off,
        "redeem_by": None,
        "times_redeemed": 0,
        "valid": True,
    }
    params.finish()
    with store.lock:
        if store.find(coupon_id) is not None:
            raise invalid(f"Coupon already exists: {coupon_id}", "id", "resource_already_exists")
        return store.add(coupon)


def create_promotion_code(store: Store, params: Params) -> dict[str, Any]:
    promotion = params.child("promotion")
    if promotion is None:
        raise invalid("Missing required param: promotion.", "promotion", "parameter_missing")
    promotion.choice("type", ("coupon",), required=True)
    coupon_id = promotion.text("coupon", required=True)
    code = params.text("code", max_length=500) or _random_code()
    record = {
        "id": new_id("promo"),
        "object": "promotion_code",
        "active": params.boolean("active") is not False,
        "code": code,
        "created": store.now(),
        "customer": None,
        "expires_at": params.integer("expires_at"),
        "livemode": False,
        "max_redemptions": params.integer("max_redemptions", minimum=1),
        "metadata": params.metadata(),
        "promotion": {"type": "coupon", "coupon": coupon_id},
        "restrictions": {
            "currency_options": {},
            "first_time_transaction": False,
            "minimum_amount": None,
            "minimum_amount_currency": None,
        },
        "times_redeemed": 0,
    }
    params.finish()
    with store.lock:
        store.get("coupon", coupon_id, "promotion[coupon]")
        clash = [p for p in store.all("promotion_code") if p["active"] and p["code"].lower() == code.lower()]
        if clash and record["active"]:
            raise invalid(f"An active promotion code with `code: {code}` already exists.", "code")
        return store.add(record)


def promotion_code_by_code(store: Store, code: str) -> dict[str, Any] | None:
    """Customers type codes in any case; Stripe matches them case-insensitively."""
    for promo in store.all("promotion_code"):
        if promo["code"].lower() == code.strip().lower():
            return promo
    return None


def check_redeemable(store: Store, promo: dict[str, Any], currency: str, param: str | None = None) -> None:
    coupon = store.get("coupon", promo["promotion"]["coupon"], param)
    expired = promo["expires_at"] is not None and promo["expires_at"] <= store.now()
    used_up = promo["max_redemptions"] is not None and promo["times_redeemed"] >= promo["max_redemptions"]
    coupon_used_up = (
        coupon["max_redemptions"] is not None and coupon["times_redeemed"] >= coupon["max_redemptions"]
    )
    if not promo["active"] or expired or used_up or coupon_used_up or not coupon["valid"]:
        raise state_error("This promotion code cannot be redeemed.", param, "promotion_code_invalid")
    if coupon["amount_off"] is not None and coupon["currency"] != currency:
        raise state_error(
            "This promotion code cannot be used with this currency.", param, "promotion_code_invalid"
        )


def discount_amount(coupon: dict[str, Any], subtotal: int) -> int:
    if coupon["percent_off"] is not None:
        return min(subtotal, round(subtotal * coupon["percent_off"] / 100))
    return min(subtotal, coupon["amount_off"])


def redeem(store: Store, discounts: list[dict[str, Any]]) -> None:
    """Count a redemption when a session completes, as Stripe does (applying a code alone is free)."""
    for discount in discounts:
        store.get("coupon", discount["coupon"])["times_redeemed"] += 1
        if discount["promotion_code"]:
            store.get("promotion_code", discount["promotion_code"])["times_redeemed"] += 1
