"""SQLite (no STAT4 statistics here) reads a week of sales through the ``created_at`` index and two years
by scanning the table, which is three times faster than walking the index over most of it (issue 18)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import event, insert

from coursehub.admin.periods import Period
from coursehub.admin.sales import summary
from coursehub.billing.models import LedgerEntry, LedgerKind
from coursehub.core.extensions import db
from tests.databases import backend_name
from tests.factories import make_paid_order

pytestmark = pytest.mark.skipif(backend_name() != "sqlite", reason="SQLite's planner without statistics")

LAST_DAY = date(2026, 11, 30)


@pytest.fixture
def two_years_of_sales(app):
    order_id, product_id = make_paid_order(app, "plan")
    with app.app_context():
        end = datetime.combine(LAST_DAY, datetime.min.time(), tzinfo=UTC)
        db.session.execute(
            insert(LedgerEntry),
            [
                {
                    "order_id": order_id,
                    "product_id": product_id,
                    "kind": LedgerKind.CHARGE,
                    "amount_cents": 4900,
                    "currency": "usd",
                    "stripe_ref": f"ch_plan_{n}",
                    "created_at": end - timedelta(hours=12 * n),
                }
                for n in range(1, 1461)  # two a day for two years
            ],
        )
        db.session.commit()


def ledger_plan(app, first: date) -> str:
    """SQLite's plan for the report's statement over ``first`` .. LAST_DAY."""
    seen = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "GROUP BY" in statement:
            seen.append((statement, parameters))

    with app.app_context():
        period = Period(first, LAST_DAY, ZoneInfo("UTC"), "test")
        event.listen(db.engine, "before_cursor_execute", record)
        try:
            assert summary(period, "month").now
        finally:
            event.remove(db.engine, "before_cursor_execute", record)
        statement, parameters = seen[-1]
        rows = db.session.connection().exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
    return " | ".join(row[-1] for row in rows if "ledger_entries" in row[-1])


def test_a_week_comes_through_the_index_and_two_years_by_a_scan(app, two_years_of_sales):
    assert "USING INDEX ix_ledger_entries_created_at" in ledger_plan(app, LAST_DAY - timedelta(days=6))
    whole = ledger_plan(app, LAST_DAY - timedelta(days=364))  # with the year before: all two years
    assert "SCAN ledger_entries" in whole and "ix_ledger_entries_created_at" not in whole
