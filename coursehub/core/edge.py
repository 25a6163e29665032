"""Checks at the edge, before any view runs, so every feature package gets them without asking.

- URL ids are database integers: a larger number is no route (404), not an overflow deep in a query.
- No control characters in the path (404), the query or a form (400): PostgreSQL refuses NUL in text,
  and nothing a person types needs the others. Tab, CR and LF stay allowed in values (text areas).
- Form endpoints read forms. A body of any other type is a 415, unless the view is marked
  ``@accepts_json``; such a body must then be a JSON object no deeper than ``MAX_JSON_DEPTH``.
  A view marked ``@reads_raw_body`` (a signed webhook) checks its own body, byte for byte.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask, Response, current_app, request
from werkzeug.routing import IntegerConverter

from coursehub.core.errors import error_response, json_error

# PostgreSQL's INTEGER; every primary key fits, on SQLite too.
MAX_URL_ID = 2**31 - 1
MAX_JSON_DEPTH = 32
FORM_TYPES = {"application/x-www-form-urlencoded", "multipart/form-data"}
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
_PATH_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# C0 controls but tab, LF and CR; DEL; lone surrogates (from JSON escapes), which no database stores.
_VALUE_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class DatabaseIdConverter(IntegerConverter):
    """``<int:...>`` for ids: 0 up to ``MAX_URL_ID``; anything else matches no route."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_URL_ID)
        super().__init__(url_map, *args, **kwargs)


def accepts_json(view: Callable) -> Callable:
    """Mark a view that reads JSON bodies (an API, a webhook); every other view gets forms only."""
    view.accepts_json = True
    return view


def reads_raw_body(view: Callable) -> Callable:
    """Mark a view that verifies its body itself (a signed webhook): the edge leaves the body alone."""
    view.reads_raw_body = True
    return view


def raises_body_limit(view: Callable) -> Callable:
    """Mark a view that raises the body limit for itself (an upload): the edge checks the form's type but
    leaves its values to the view, since reading them here would apply the ordinary 1 MiB limit."""
    view.raises_body_limit = True
    return view


def has_control_characters(text: str) -> bool:
    return _VALUE_CONTROL.search(text) is not None


def _values_are_clean(pairs) -> bool:
    return not any(has_control_characters(key) or has_control_characters(value) for key, value in pairs)


def _json_problem(body) -> str | None:
    """Why the parsed body can't be used, or None; walks it without recursion."""
    if not isinstance(body, dict):
        return "The body must be a JSON object."
    pending = [(body, 1)]
    while pending:
        value, depth = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return "The JSON is nested too deeply."
        if isinstance(value, str) and has_control_characters(value):
            return "The JSON contains control characters."
        if isinstance(value, dict):
            pending.extend((key, depth) for key in value)
            pending.extend((item, depth + 1) for item in value.values())
        elif isinstance(value, list):
            pending.extend((item, depth + 1) for item in value)
    return None


def _check_json_body() -> Response | None:
    try:
        body = request.get_json(silent=True)
    except RecursionError:
        return json_error(400, "invalid_json", "The JSON is nested too deeply.")
    if body is None:
        return json_error(400, "invalid_json", "The body is not valid JSON.")
    problem = _json_problem(body)
    return json_error(400, "invalid_json", problem) if problem else None


def _has_body() -> bool:
    return bool(request.content_length) or "chunked" in request.headers.get("Transfer-Encoding", "")


def check_request() -> Response | None:
    """The before-request hook: answer a malformed request here, or let it through (None)."""
    if _PATH_CONTROL.search(request.path):
        return error_response(404)
    if not _values_are_clean(request.args.items(multi=True)):
        return error_response(400, "The address contains characters that are not allowed.")
    if request.method not in BODY_METHODS or not _has_body():
        return None
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    if getattr(view, "reads_raw_body", False):
        return None
    if request.is_json and getattr(view, "accepts_json", False):
        return _check_json_body()
    if request.mimetype not in FORM_TYPES:
        return error_response(415, "This address accepts form data only.", "unsupported_media_type")
    if getattr(view, "raises_body_limit", False):
        return None
    if not _values_are_clean(request.form.items(multi=True)):
        return error_response(
            400, "The form contains characters that are not allowed. Remove them and try again."
        )
    return None


def register_request_checks(app: Flask) -> None:
    """Before the blueprints: routes take their converters when they are registered."""
    app.url_map.converters["int"] = DatabaseIdConverter
    app.before_request(check_request)
