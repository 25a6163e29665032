"""Structured logs: one JSON object per line, a request id on every line, one line per request.

Stdlib ``logging`` with a small formatter rather than a library: the whole format is the dozen lines of
``JsonFormatter``, and it must decide for itself what never reaches a log. Only these go out for a
request: method, the path with token segments redacted, status, duration, user id, request id. Never
the query string, form or JSON bodies, cookies, ``Authorization`` or ``Stripe-Signature``.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from datetime import UTC, datetime

from flask import Flask, Response, g, has_request_context, request
from sqlalchemy import inspect

REQUEST_ID_HEADER = "X-Request-ID"
_WELL_FORMED_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")
# A view argument with one of these in its name is a secret in the URL (reset, verify, unsubscribe links).
_SECRET_ARG_NAMES = ("token", "secret", "signature")
# Outside a matched route (a 404), a segment that is long, mixes in digits and is not a lowercase
# slug is taken for a token: slugs look like "pelvic-torsion-01", tokens like "IjQ2Ig.ZxY...".
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TOKENISH = re.compile(r"[A-Za-z0-9_\-.~=+]{20,}")
_CARD_LIKE = re.compile(r"(?:\d[ -]?){12,}")  # a number long enough to be a card's, whatever a URL holds
REDACTED = ":redacted"
_RESERVED = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}

request_log = logging.getLogger("coursehub.request")


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, request id, and any ``extra`` fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update({key: value for key, value in vars(record).items() if key not in _RESERVED})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def _record_factory_with_request_id(make_record):
    """Stamp each record made during a request with its id, whichever handler formats it, and when."""

    def make(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        if has_request_context() and "request_id" in g:
            record.request_id = g.request_id
        return record

    make.stamps_request_id = True
    return make


class _CurrentStderr(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the moment (test runners swap it per test)."""

    def __init__(self):
        super().__init__()

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value) -> None:
        """The stream is always the current stderr; StreamHandler's own assignment is ignored."""


class _DropWerkzeugAccessLines(logging.Filter):
    """The dev server's access line carries the raw path and query string; ours replaces it."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.name == "werkzeug" and record.levelno == logging.INFO and '"' in str(record.msg))


def looks_like_token(segment: str) -> bool:
    if _CARD_LIKE.search(segment):
        return True
    return (
        bool(_TOKENISH.fullmatch(segment))
        and sum(ch.isdigit() for ch in segment) >= 3
        and not _SLUG.fullmatch(segment)
    )


def loggable_path() -> str:
    """The request path with secret view arguments (and, outside a route, token-like segments) redacted."""
    secret_values = {
        str(value)
        for name, value in (request.view_args or {}).items()
        if any(part in name.lower() for part in _SECRET_ARG_NAMES)
    }
    segments = request.path.split("/")
    return "/".join(
        REDACTED if _holds_secret(segment, secret_values) or looks_like_token(segment) else segment
        for segment in segments
    )


def _holds_secret(segment: str, secret_values: set[str]) -> bool:
    """A segment that is or holds a secret argument (``<token>.ics`` holds the token)."""
    return any(value and value in segment for value in secret_values)


def _start_request() -> None:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if _WELL_FORMED_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    if "request_id" not in g:  # a hook registered before ours ended the request early
        _start_request()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    user = g.get("_login_user")  # only what Flask-Login already loaded: logging must not query
    # A commit expires the user; its identity key still holds the id without a reload.
    state = inspect(user, raiseerr=False) if user is not None else None
    request_log.info(
        "request",
        extra={
            "method": request.method,
            "path": loggable_path(),
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
            "user_id": state.identity[0] if state is not None and state.identity else None,
        },
    )
    return response


def configure_logging() -> None:
    """JSON lines on stderr for CourseHub's loggers, installed once per process however many apps."""
    logger = logging.getLogger("coursehub")
    if not any(isinstance(handler, _CurrentStderr) for handler in logger.handlers):
        handler = _CurrentStderr()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        logging.getLogger("werkzeug").addFilter(_DropWerkzeugAccessLines())
    if not getattr(logging.getLogRecordFactory(), "stamps_request_id", False):
        logging.setLogRecordFactory(_record_factory_with_request_id(logging.getLogRecordFactory()))


def register_logging(app: Flask) -> None:
    """Registered first, so the request id exists before any other hook (CSRF, rate limits) can answer."""
    configure_logging()
    app.before_request_funcs.setdefault(None, []).insert(0, _start_request)
    app.after_request(_log_request)
