"""Error pages in the site's layout, and one JSON error shape: ``{"error": {"code", "message"}}``."""

from __future__ import annotations

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from coursehub.core.extensions import db
from coursehub.core.logs import loggable_path

log = logging.getLogger("coursehub.core.errors")

MESSAGES = {
    400: ("bad_request", "The request could not be understood. Check what you entered and try again."),
    401: ("unauthorized", "Log in to continue."),
    403: ("forbidden", "You don't have access to this page."),
    404: ("not_found", "We couldn't find that page. It may have moved, or the link may be mistyped."),
    405: ("method_not_allowed", "That action isn't available here."),
    409: ("conflict", "That can't be done in the current state. Reload the page and try again."),
    413: ("too_large", "What you sent is too large."),
    415: ("unsupported_media_type", "This address accepts form data only."),
    429: ("rate_limited", "Too many attempts in a short time. Please wait a minute and try again."),
    500: ("server_error", "Something went wrong on our side. It has been logged; please try again."),
    503: ("unavailable", "The school is briefly unavailable. Please try again in a moment."),
}
CSRF_MESSAGE = "Your form expired or came from another site. Reload the page and try again."


def wants_json() -> bool:
    """JSON routes live under /api/ or are asked for as JSON; everything else gets a page."""
    if request.path.startswith("/api/") or request.is_json:
        return True
    accept = request.accept_mimetypes
    return accept.best_match(["text/html", "application/json"]) == "application/json" and (
        accept["application/json"] > accept["text/html"]
    )


def json_error(status: int, code: str, message: str) -> Response:
    response = jsonify(error={"code": code, "message": message})
    response.status_code = status
    return response


def error_response(status: int, message: str | None = None, code: str | None = None) -> Response:
    default_code, default_message = MESSAGES.get(status, ("error", "Something went wrong."))
    code, message = code or default_code, message or default_message
    if wants_json():
        return json_error(status, code, message)
    return make_response(render_template("errors/error.html", status=status, message=message), status)


def _handle_http(error: HTTPException) -> Response:
    if isinstance(error, CSRFError):
        return error_response(400, CSRF_MESSAGE, "csrf_failed")
    message = None
    if error.code in {400, 403, 404, 409} and error.description != type(error).description:
        message = error.description  # a view's abort(403, "...") says something specific
    response = error_response(error.code or 500, message)
    # Keep the headers the exception carries: Allow on 405, Retry-After on 429.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _handle_server_error(error: Exception):
    db.session.rollback()
    original = getattr(error, "original_exception", None) or error
    if not isinstance(original, InternalServerError):
        log.error("Unhandled error on %s %s", request.method, loggable_path(), exc_info=original)
    return error_response(500)


def _is_passing_outage(error: DBAPIError) -> bool:
    """The connection died (the pool says so), or SQLite was busy; a bad statement is still a 500."""
    return error.connection_invalidated or (
        isinstance(error, OperationalError) and "database is locked" in str(error.orig)
    )


def _handle_database_error(error: DBAPIError):
    """A lost or refused database connection is a passing outage (503, try again), not a bug (500).

    The pool has already invalidated a connection that died (``connection_invalidated``), and
    ``pool_pre_ping`` tests the others, so the next request gets a live connection.
    """
    if not _is_passing_outage(error):
        return _handle_server_error(error)
    db.session.rollback()
    log.warning(
        "Database unavailable on %s %s: %s", request.method, loggable_path(), type(error.orig).__name__
    )
    response = error_response(503)
    response.headers["Retry-After"] = "5"
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(DBAPIError, _handle_database_error)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(InternalServerError, _handle_server_error)
