"""Signed, expiring tokens for links sent by mail.

The expiry travels inside the signed payload (rather than itsdangerous's own timestamp) so a token's age is
checked against an explicit ``now``, which keeps expiry testable without touching the clock.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

VERIFY_EMAIL = "verify-email"
RESET_PASSWORD = "reset-password"  # noqa: S105 - a token purpose, not a password


class InvalidToken(Exception):
    """The link is damaged, was made for something else, or has been used."""


class ExpiredToken(InvalidToken):
    """The link was genuine but is too old."""


def _serializer(purpose: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=f"coursehub:{purpose}")


def issue(purpose: str, payload: dict[str, Any], max_age: int, now: float | None = None) -> str:
    issued = time.time() if now is None else now
    return _serializer(purpose).dumps({**payload, "exp": int(issued + max_age)})


def read(purpose: str, token: str, now: float | None = None) -> dict[str, Any]:
    """:raise InvalidToken: tampered or wrong purpose. :raise ExpiredToken: past its expiry."""
    try:
        payload = _serializer(purpose).loads(token)
    except BadSignature:
        raise InvalidToken(purpose) from None
    if not isinstance(payload, dict) or "exp" not in payload:
        raise InvalidToken(purpose)
    if (time.time() if now is None else now) > payload["exp"]:
        raise ExpiredToken(purpose)
    return payload


def fingerprint(value: str) -> str:
    """A short keyed digest of a secret (the password hash), so a reset link dies once it is used."""
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()[:24]
