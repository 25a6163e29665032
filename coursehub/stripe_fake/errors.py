"""Errors in Stripe's wire shape, so the real SDK raises the exception classes it raises against Stripe."""

from __future__ import annotations


class StripeError(Exception):
    """One failed request: HTTP status plus the ``{"error": {...}}`` body stripe-python maps to its classes.

    ``saved`` says whether an idempotency key remembers this outcome. Stripe saves a result only once the
    endpoint has started executing, so parameter validation errors are not saved and a corrected retry with
    the same key is allowed.
    """

    def __init__(
        self,
        status: int,
        type_: str,
        message: str,
        param: str | None = None,
        code: str | None = None,
        *,
        saved: bool = False,
        **extra: str,
    ):
        super().__init__(message)
        self.status = status
        self.type = type_
        self.message = message
        self.param = param
        self.code = code
        self.saved = saved
        self.extra = extra

    def body(self) -> dict:
        return {
            "error": {
                "type": self.type,
                "message": self.message,
                "param": self.param,
                "code": self.code,
                **self.extra,
            }
        }


def invalid(message: str, param: str | None = None, code: str | None = "parameter_invalid") -> StripeError:
    return StripeError(400, "invalid_request_error", message, param, code)


def missing(param: str) -> StripeError:
    return StripeError(
        400, "invalid_request_error", f"Missing required param: {param}.", param, "parameter_missing"
    )


def unknown(param: str) -> StripeError:
    return StripeError(
        400,
        "invalid_request_error",
        f"Received unknown parameter: {param}. (The local Stripe stand-in implements only "
        "the parameters CourseHub sends.)",
        param,
        "parameter_unknown",
    )


def not_found(kind: str, object_id: str, param: str | None = "id") -> StripeError:
    return StripeError(
        404, "invalid_request_error", f"No such {kind}: '{object_id}'", param, "resource_missing"
    )


def state_error(message: str, param: str | None = None, code: str | None = None) -> StripeError:
    """The request was well formed but the object's state forbids it (over-refund, paying twice)."""
    return StripeError(400, "invalid_request_error", message, param, code, saved=True)


def authentication(message: str) -> StripeError:
    return StripeError(401, "authentication_error", message)


def card_declined() -> StripeError:
    return StripeError(
        402,
        "card_error",
        "Your card was declined.",
        None,
        "card_declined",
        saved=True,
        decline_code="generic_decline",
    )


def idempotency_mismatch(key: str, reason: str) -> StripeError:
    return StripeError(
        400,
        "idempotency_error",
        f"Keys for idempotent requests can only be used {reason}. Try using a key other "
        f"than '{key}' if you meant to execute a different request.",
    )


def unrecognized_url(method: str, path: str) -> StripeError:
    return StripeError(404, "invalid_request_error", f"Unrecognized request URL ({method}: {path}).")
