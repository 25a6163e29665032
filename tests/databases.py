"""Isolated databases for the suite: a file per purpose on SQLite, a schema per purpose on PostgreSQL.

``TEST_DATABASE_URL`` picks PostgreSQL (``postgresql+psycopg://postgres@127.0.0.1:5432/test``); without it
the suite runs on SQLite. Each purpose (the rolled-back unit tests, the live server for the browser, the
migration tests) gets its own, so committed rows in one never show up in another.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from coursehub.core.config import _parse_database_url

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")


def require_postgres() -> None:
    """Row-level concurrency is tested on PostgreSQL; without one, skip, except in CI (``CI`` set), which
    has PostgreSQL and must fail rather than pass with the concurrency tests silently left out. The SQLite
    pass of ``scripts/test.sh`` skips them when its PostgreSQL pass will run them."""
    if POSTGRES_URL:
        return
    if os.environ.get("TEST_POSTGRES_PASS_FOLLOWS"):
        pytest.skip("row-level concurrency runs in the PostgreSQL pass that follows (scripts/test.sh)")
    if os.environ.get("CI"):
        pytest.fail("CI is set but TEST_DATABASE_URL is not: the concurrency tests need PostgreSQL")
    pytest.skip("row-level concurrency is tested on PostgreSQL (set TEST_DATABASE_URL)")


def backend_name() -> str:
    return "postgresql" if POSTGRES_URL else "sqlite"


def fresh_database(purpose: str, tmp_dir: Path) -> str:
    """Return the URL of an empty database for ``purpose``, dropping whatever an earlier run left."""
    if not POSTGRES_URL:
        path = tmp_dir / f"{purpose}.db"
        path.unlink(missing_ok=True)
        return f"sqlite:///{path}"
    schema = f"coursehub_{purpose}"
    engine = sa.create_engine(_parse_database_url(POSTGRES_URL))
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
    engine.dispose()
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{_parse_database_url(POSTGRES_URL)}{separator}options={quote(f'-csearch_path={schema}')}"


def drop_database(url: str) -> None:
    if url.startswith("sqlite"):
        return
    schema = url.rsplit("search_path%3D", 1)[-1]
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    engine.dispose()
