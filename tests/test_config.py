import os
import subprocess
import sys

import pytest

from coursehub import create_app
from coursehub.core.config import ConfigError
from coursehub.core.paths import PROJECT_ROOT

STRONG_SECRET = "k3P9-vQz_7wLx2mN8rT4yB6cD1fG5hJ0sA"
PRODUCTION = {
    "COURSEHUB_ENV": "production",
    "SECRET_KEY": STRONG_SECRET,
    "BASE_URL": "https://school.example.com",
    "SMTP_HOST": "smtp.example.com",
    "DATABASE_URL": "sqlite://",
}


def start(environ: dict) -> subprocess.CompletedProcess:
    """Import wsgi.py the way gunicorn would, with exactly ``environ`` as the settings."""
    env = {"PATH": os.environ["PATH"], **environ}
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_refuses_to_start_with_one_line():
    result = start({k: v for k, v in PRODUCTION.items() if k != "SECRET_KEY"})
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert "SECRET_KEY is not set" in lines[0]


def test_production_with_good_settings_starts():
    result = start(PRODUCTION)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"SECRET_KEY": "short"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "a" * 40}, "SECRET_KEY is too weak"),
        ({"SMTP_HOTS": "typo.example.com"}, "unknown setting SMTP_HOTS"),
        ({"COURSEHUB_DEBUG": "1"}, "unknown setting COURSEHUB_DEBUG"),
        ({"BASE_URL": "http://school.example.com"}, "BASE_URL must start with https://"),
        ({"SMTP_HOST": ""}, "SMTP_HOST is not set"),
        ({"STRIPE_API_BASE": "http://127.0.0.1:12111"}, "STRIPE_API_BASE"),
        ({"COURSEHUB_PROXY_HOPS": "two"}, "COURSEHUB_PROXY_HOPS='two' is not valid"),
    ],
)
def test_unsafe_production_settings_are_refused(change, message):
    environ = {**PRODUCTION, **change}
    with pytest.raises(ConfigError, match=message):
        create_app_from_environ(environ)


def create_app_from_environ(environ):
    from coursehub.core.config import load_config

    config: dict = {}
    load_config(config, environ=environ)
    return config


def test_an_unknown_override_is_refused():
    with pytest.raises(ConfigError, match="unknown setting SQLALCHEMY_DATABASE"):
        create_app({"COURSEHUB_ENV": "test", "SQLALCHEMY_DATABASE": "sqlite://"})


def test_production_cookies_are_secure_and_https_is_enforced_by_header():
    config = create_app_from_environ(PRODUCTION)
    assert config["SESSION_COOKIE_SECURE"] and config["REMEMBER_COOKIE_SECURE"]
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"
    app = create_app(
        {
            "COURSEHUB_ENV": "production",
            "SECRET_KEY": STRONG_SECRET,
            "BASE_URL": "https://school.example.com",
            "SMTP_HOST": "smtp.example.com",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
        }
    )
    assert "max-age" in app.test_client().get("/healthz").headers["Strict-Transport-Security"]


def test_postgres_urls_get_the_psycopg3_driver():
    config = create_app_from_environ(
        {"COURSEHUB_ENV": "development", "DATABASE_URL": "postgres://u@db.example.com/school"}
    )
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example.com/school"


def test_redis_url_moves_rate_limits_to_redis():
    config = create_app_from_environ(
        {"COURSEHUB_ENV": "development", "REDIS_URL": "redis://127.0.0.1:6379/0"}
    )
    assert config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    assert create_app_from_environ({"COURSEHUB_ENV": "development"})["RATELIMIT_STORAGE_URI"] == "memory://"
