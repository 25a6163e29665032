"""Settings: defaults in code, overrides from the environment, checked before the app starts.

Every setting CourseHub reads is declared in ``SETTINGS``. The environment names them without a prefix
where the deployment world already has a convention (``SECRET_KEY``, ``DATABASE_URL``, ``SMTP_*``,
``STRIPE_*``) and with ``COURSEHUB_`` otherwise. In production an environment variable that looks like
ours but is unknown (a typo such as ``SMTP_HOTS``) stops the start, because a silently ignored setting is
how a school ends up sending no mail.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import click

from coursehub.core.paths import PROJECT_ROOT

ENVIRONMENTS = ("production", "development", "demo", "test")
# Only ever accepted outside production; `make run` generates a real one for the demo.
INSECURE_DEV_SECRET = "coursehub-development-only-secret-key-not-for-production"  # noqa: S105
OUR_PREFIXES = ("COURSEHUB_", "SMTP_", "STRIPE_")
MIN_SECRET_LENGTH = 32


class ConfigError(click.ClickException):
    """A setting is missing or wrong; the message is one line that says what to set.

    A ClickException, so every ``flask`` command that builds the app prints that line and exits 2
    instead of a traceback; gunicorn and tests see an ordinary exception.
    """

    exit_code = 2

    def show(self, file=None) -> None:
        click.echo(f"Error: {self.format_message()}", err=True)


def _parse_bool(raw: str) -> bool:
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError("expected true or false")


def _parse_timezone(raw: str) -> str:
    """An IANA zone name such as Europe/Berlin or UTC."""
    try:
        ZoneInfo(raw.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("expected an IANA time zone such as Europe/Berlin or UTC") from None
    return raw.strip()


def _parse_database_url(raw: str) -> str:
    """Spell out the psycopg 3 driver, so the URL never depends on SQLAlchemy's default driver."""
    for prefix in ("postgres://", "postgresql://"):
        if raw.startswith(prefix):
            return "postgresql+psycopg://" + raw[len(prefix) :]
    return raw


@dataclass(frozen=True)
class Setting:
    key: str
    default: Any
    env: str | None = None
    parse: Callable[[str], Any] = str


SETTINGS: tuple[Setting, ...] = (
    Setting("COURSEHUB_ENV", "production", "COURSEHUB_ENV"),
    Setting("SECRET_KEY", None, "SECRET_KEY"),
    Setting("SQLALCHEMY_DATABASE_URI", "sqlite:///coursehub.db", "DATABASE_URL", _parse_database_url),
    Setting("REDIS_URL", None, "REDIS_URL"),
    # Names this school's cache entries in Redis and its version files; two sites on one Redis need two.
    Setting("CACHE_PREFIX", "coursehub", "COURSEHUB_CACHE_PREFIX"),
    Setting("BASE_URL", "http://127.0.0.1:5000", "BASE_URL"),
    Setting("PROXY_HOPS", 0, "COURSEHUB_PROXY_HOPS", int),
    Setting("SMTP_HOST", None, "SMTP_HOST"),
    Setting("SMTP_PORT", 587, "SMTP_PORT", int),
    Setting("SMTP_USERNAME", None, "SMTP_USERNAME"),
    Setting("SMTP_PASSWORD", None, "SMTP_PASSWORD"),
    Setting("SMTP_SECURITY", "starttls", "SMTP_SECURITY"),
    Setting("SMTP_TIMEOUT", 10, "SMTP_TIMEOUT", int),
    Setting("MAIL_FROM", "CourseHub <no-reply@coursehub.example>", "COURSEHUB_MAIL_FROM"),
    Setting("SCHOOL_NAME", "CourseHub", "COURSEHUB_SCHOOL_NAME"),
    Setting("SCHOOL_ADDRESS", "", "COURSEHUB_SCHOOL_ADDRESS"),
    Setting("MAIL_SEND_AFTER_COMMIT", True, "COURSEHUB_MAIL_SEND_AFTER_COMMIT", _parse_bool),
    Setting("MAIL_MAX_ATTEMPTS", 8, "COURSEHUB_MAIL_MAX_ATTEMPTS", int),
    Setting("STRIPE_SECRET_KEY", None, "STRIPE_SECRET_KEY"),
    Setting("STRIPE_WEBHOOK_SECRET", None, "STRIPE_WEBHOOK_SECRET"),
    Setting("STRIPE_API_BASE", None, "STRIPE_API_BASE"),
    Setting("STRIPE_TIMEOUT", 10, "STRIPE_TIMEOUT", int),
    Setting("VERIFY_EMAIL_MAX_AGE", 2 * 24 * 3600, "COURSEHUB_VERIFY_EMAIL_MAX_AGE", int),
    Setting("RESET_PASSWORD_MAX_AGE", 3600, "COURSEHUB_RESET_PASSWORD_MAX_AGE", int),
    Setting("VIDEO_ROOT", str(PROJECT_ROOT / "media" / "demo"), "COURSEHUB_VIDEO_ROOT"),
    Setting("VIDEO_BASE_URL", None, "COURSEHUB_VIDEO_BASE_URL"),
    Setting("VIDEO_URL_SECRET", None, "COURSEHUB_VIDEO_URL_SECRET"),
    Setting("VIDEO_URL_TTL", 4 * 3600, "COURSEHUB_VIDEO_URL_TTL", int),
    Setting("RATELIMIT_ENABLED", True, "COURSEHUB_RATELIMIT_ENABLED", _parse_bool),
    # The admin's periods are days there, and learners' practice days until they pick their own zone.
    Setting("SCHOOL_TIMEZONE", "UTC", "COURSEHUB_SCHOOL_TIMEZONE", _parse_timezone),
    Setting("MAX_CONTENT_LENGTH", 1024 * 1024, "COURSEHUB_MAX_CONTENT_LENGTH", int),
    Setting("MAX_VIDEO_BYTES", 2 * 1024**3, "COURSEHUB_MAX_VIDEO_BYTES", int),
    Setting("AUTHOR_TIMEZONE", "UTC", "COURSEHUB_AUTHOR_TIMEZONE"),
)
SETTINGS_BY_KEY = {setting.key: setting for setting in SETTINGS}
KNOWN_ENV_NAMES = {setting.env for setting in SETTINGS if setting.env}

# Extension settings derived from ours; a test may still override them directly.
DERIVED_KEYS = {
    "SQLALCHEMY_ENGINE_OPTIONS",
    "RATELIMIT_STORAGE_URI",
    "RATELIMIT_HEADERS_ENABLED",
    "SESSION_COOKIE_SAMESITE",
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_NAME",
    "REMEMBER_COOKIE_SECURE",
    "REMEMBER_COOKIE_HTTPONLY",
    "REMEMBER_COOKIE_SAMESITE",
    "REMEMBER_COOKIE_DURATION",
    "WTF_CSRF_TIME_LIMIT",
    "WTF_CSRF_SSL_STRICT",
    "PREFERRED_URL_SCHEME",
}


def load_config(
    app_config: dict[str, Any],
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> None:
    """Fill ``app_config`` from defaults, then the environment, then ``overrides``; then check it.

    :raise ConfigError: for an unparseable value, an unknown override or an unsafe production setup.
    """
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    flask_keys = set(app_config)

    for setting in SETTINGS:
        app_config[setting.key] = setting.default
        if setting.env and setting.env in environ:
            raw = environ[setting.env]
            try:
                app_config[setting.key] = setting.parse(raw)
            except ValueError as error:
                raise ConfigError(f"{setting.env}={raw!r} is not valid: {error}") from None

    unknown = sorted(set(overrides) - flask_keys - set(SETTINGS_BY_KEY) - DERIVED_KEYS)
    if unknown:
        raise ConfigError(f"unknown setting {unknown[0]}; see coursehub/config.py for the settings")
    base = {key: value for key, value in overrides.items() if key not in DERIVED_KEYS}
    app_config.update(base)

    _derive(app_config)
    app_config.update({key: value for key, value in overrides.items() if key in DERIVED_KEYS})
    validate(app_config, environ)


def _derive(config: dict[str, Any]) -> None:
    production = config["COURSEHUB_ENV"] == "production"
    if config["SECRET_KEY"] is None and not production:
        config["SECRET_KEY"] = INSECURE_DEV_SECRET
    config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"] or "memory://"
    config["RATELIMIT_HEADERS_ENABLED"] = True
    config["SESSION_COOKIE_NAME"] = "coursehub_session"
    config["SESSION_COOKIE_SAMESITE"] = "Lax"
    config["SESSION_COOKIE_SECURE"] = production
    config["REMEMBER_COOKIE_SECURE"] = production
    config["REMEMBER_COOKIE_HTTPONLY"] = True
    config["REMEMBER_COOKIE_SAMESITE"] = "Lax"
    config["REMEMBER_COOKIE_DURATION"] = 30 * 24 * 3600
    # A CSRF token lives as long as the session: a learner reading a long lesson can still submit.
    config["WTF_CSRF_TIME_LIMIT"] = None
    config["PREFERRED_URL_SCHEME"] = "https" if production else "http"
    config["SQLALCHEMY_ENGINE_OPTIONS"] = {"pool_pre_ping": True}


def validate(config: Mapping[str, Any], environ: Mapping[str, str]) -> None:
    """Refuse to start with settings that would run the school unsafely."""
    env = config["COURSEHUB_ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"COURSEHUB_ENV={env!r} is not one of {', '.join(ENVIRONMENTS)}")
    if not re.fullmatch(r"[A-Za-z0-9_-]{1,64}", config["CACHE_PREFIX"]):
        raise ConfigError("COURSEHUB_CACHE_PREFIX may hold only letters, digits, - and _ (at most 64)")
    if config["SMTP_SECURITY"] not in {"starttls", "ssl", "none"}:
        raise ConfigError("SMTP_SECURITY must be starttls, ssl or none")
    base = urlsplit(config["BASE_URL"])
    if base.scheme not in {"http", "https"} or not base.netloc or base.path not in {"", "/"}:
        raise ConfigError("BASE_URL must be the school's address, such as https://school.example.com")
    try:
        ZoneInfo(config["AUTHOR_TIMEZONE"])
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            f"COURSEHUB_AUTHOR_TIMEZONE={config['AUTHOR_TIMEZONE']!r} is not a time zone (e.g. Europe/London)"
        ) from None
    try:
        _parse_timezone(config["SCHOOL_TIMEZONE"])
    except ValueError as error:
        zone = config["SCHOOL_TIMEZONE"]
        raise ConfigError(f"COURSEHUB_SCHOOL_TIMEZONE={zone!r} is not valid: {error}") from None
    if env != "production":
        return
    secret = config["SECRET_KEY"]
    if not secret:
        raise ConfigError(
            "SECRET_KEY is not set; set it to a random string of 32+ characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    if len(secret) < MIN_SECRET_LENGTH or len(set(secret)) < 12 or secret == INSECURE_DEV_SECRET:
        raise ConfigError(
            "SECRET_KEY is too weak; set it to a random string of 32+ characters "
            "(python -c 'import secrets; print(secrets.token_urlsafe(48))')"
        )
    for name in sorted(environ):
        if name.startswith(OUR_PREFIXES) and name not in KNOWN_ENV_NAMES:
            raise ConfigError(
                f"unknown setting {name}; remove it or fix its name (the settings are listed in README.md)"
            )
    if base.scheme != "https":
        raise ConfigError("BASE_URL must start with https:// in production")
    if not config["SMTP_HOST"]:
        raise ConfigError(
            "SMTP_HOST is not set; production needs a mail server to send verification and reset mail"
        )
    if config["VIDEO_BASE_URL"] and not config["VIDEO_URL_SECRET"]:
        raise ConfigError("COURSEHUB_VIDEO_URL_SECRET is not set; the video host checks signed URLs with it")
    if config["STRIPE_API_BASE"]:
        raise ConfigError("STRIPE_API_BASE points the app away from Stripe; unset it in production")
    if config["STRIPE_SECRET_KEY"] and not config["STRIPE_WEBHOOK_SECRET"]:
        raise ConfigError("STRIPE_WEBHOOK_SECRET is not set; copy it from the Stripe webhook endpoint")
