"""The baselines for reports: the question answered by one raw SQL statement, timed through the driver.

The sales question: for each month of the last year, the paid orders, gross, refunded and disputed
amounts. The export question: every ledger line with its order, learner and product, as CSV; on
PostgreSQL through ``COPY ... TO STDOUT``, the fastest the database can hand the rows out.
"""

from __future__ import annotations

import sqlite3
import statistics
import time
from contextlib import closing, contextmanager
from datetime import UTC, datetime, timedelta

import psycopg
from sqlalchemy.engine import make_url

SALES_POSTGRESQL = """
SELECT date_trunc('month', paid_at) AS month, count(*) AS orders, sum(amount_paid_cents) AS gross,
       sum(refunded_cents) AS refunded,
       sum(CASE WHEN dispute_status IN ('needs_response', 'lost') THEN amount_paid_cents ELSE 0 END)
         AS disputed
FROM orders WHERE status = 'paid' AND paid_at >= %s GROUP BY 1 ORDER BY 1
"""
SALES_SQLITE = SALES_POSTGRESQL.replace("date_trunc('month', paid_at)", "strftime('%Y-%m', paid_at)").replace(
    "%s", "?"
)
LEDGER_SELECT = """
SELECT l.id, l.created_at, l.kind, l.amount_cents, l.currency, l.stripe_ref, o.id AS order_id, u.email,
       p.slug AS product
FROM ledger_entries l JOIN orders o ON o.id = l.order_id JOIN users u ON u.id = o.user_id
JOIN products p ON p.id = o.product_id ORDER BY l.id
"""


def _postgresql_dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextmanager
def sales_sql(url: str):
    """The raw aggregate as a callable returning its rows, on its own connection (closed after)."""
    since = datetime.now(UTC) - timedelta(days=365)
    if url.startswith("sqlite"):
        conn = sqlite3.connect(make_url(url).database)

        def run():
            return conn.execute(SALES_SQLITE, (since.replace(tzinfo=None).isoformat(" "),)).fetchall()
    else:
        conn = psycopg.connect(_postgresql_dsn(url))

        def run():
            return conn.execute(SALES_POSTGRESQL, (since,)).fetchall()

    with closing(conn):
        yield run


def percentiles(timings: list[float]) -> dict:
    """p50 and p99 in milliseconds of timings in seconds."""
    cuts = statistics.quantiles(timings, n=100)
    return {"p50_ms": round(cuts[49] * 1000, 2), "p99_ms": round(cuts[98] * 1000, 2)}


def time_copy(url: str) -> dict | None:
    """All ledger lines as CSV through ``COPY ... TO STDOUT`` (PostgreSQL only; None on SQLite)."""
    if url.startswith("sqlite"):
        return None
    with psycopg.connect(_postgresql_dsn(url)) as conn, conn.cursor() as cursor:
        size = rows = 0
        started = time.perf_counter()
        with cursor.copy(f"COPY ({LEDGER_SELECT}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
            for block in copy:
                size += len(block)
                rows += bytes(block).count(b"\n")
        seconds = time.perf_counter() - started
    return {
        "rows": rows - 1,
        "megabytes": round(size / 1e6, 1),
        "seconds": round(seconds, 3),
        "rows_per_second": round((rows - 1) / seconds),
    }
