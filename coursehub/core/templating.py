"""Helpers every template can use."""

from urllib.parse import urlsplit

from flask import Flask, current_app


def external_url(endpoint: str, **values) -> str:
    """An absolute link built from BASE_URL, never from the request's Host header.

    Links in mail must not trust Host: a forged Host would otherwise put an attacker's domain in a
    password-reset link. Building from the URL map also works in CLI commands, outside any request.
    """
    base = urlsplit(current_app.config["BASE_URL"])
    adapter = current_app.url_map.bind(base.netloc, url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def minutes(seconds: int) -> str:
    """A video's length for people: '9 min', '1 h 5 min'."""
    whole = round(seconds / 60)
    return f"{whole // 60} h {whole % 60} min" if whole >= 60 else f"{whole} min"


def register_template_helpers(app: Flask) -> None:
    app.jinja_env.filters["minutes"] = minutes
    app.jinja_env.globals["external_url"] = external_url
    app.jinja_env.globals["site_name"] = "CourseHub"
