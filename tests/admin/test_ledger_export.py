"""The ledger export on PostgreSQL comes from ``COPY ... TO STDOUT`` (issue 18's speed); it must be the
same file, byte for byte, as the one the csv module writes (SQLite's path), whatever the lines hold."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from coursehub.admin.exports import ledger_csv_by_copy, ledger_csv_in_python
from coursehub.admin.periods import Period
from coursehub.billing.models import LedgerEntry, LedgerKind
from coursehub.core.extensions import db
from tests.databases import backend_name
from tests.factories import make_paid_order

pytestmark = pytest.mark.skipif(backend_name() != "postgresql", reason="COPY is PostgreSQL's")

# (kind, cents, currency, stripe_ref, moment): every currency exponent, every sign, refs a csv writer
# must quote (comma, quote, CR, LF) or must not (an empty one), moments with and without microseconds.
LINES = [
    (LedgerKind.CHARGE, 4900, "usd", "ch_plain", datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC)),
    (LedgerKind.FEE, 172, "usd", "fee,with comma", datetime(2026, 3, 1, 9, 0, 0, 1, tzinfo=UTC)),
    (LedgerKind.REFUND, 5, "usd", 'quote"inside', datetime(2026, 3, 2, 23, 59, 59, 999999, tzinfo=UTC)),
    (LedgerKind.DISPUTE, 0, "eur", "line\nbreak", datetime(2026, 3, 3, 0, 0, 0, 500000, tzinfo=UTC)),
    (LedgerKind.DISPUTE_WON, 123456789, "eur", "carriage\rreturn", datetime(2026, 3, 4, 12, tzinfo=UTC)),
    (LedgerKind.CHARGE, 1250, "jpy", "", datetime(2026, 3, 5, 1, 2, 3, tzinfo=UTC)),
    (LedgerKind.REFUND, 1250, "JPY", " spaced ", datetime(2026, 3, 5, 1, 2, 4, tzinfo=UTC)),
    (LedgerKind.CHARGE, 12345, "kwd", "three,decimals", datetime(2026, 3, 6, 8, tzinfo=UTC)),
    (LedgerKind.FEE, 7, "kwd", "ünïcode", datetime(2026, 3, 6, 8, 0, 0, 10, tzinfo=UTC)),
    (LedgerKind.CHARGE, 99, "usd", "outside the period", datetime(2026, 4, 1, 0, 0, tzinfo=UTC)),
]


def _text(chunks) -> bytes:
    return b"".join(chunk.encode() if isinstance(chunk, str) else chunk for chunk in chunks)


def test_copy_writes_the_csv_modules_bytes(app):
    order_id, product_id = make_paid_order(app, "ledger")
    with app.app_context():
        for kind, cents, currency, ref, moment in LINES:
            db.session.add(
                LedgerEntry(
                    order_id=order_id,
                    product_id=product_id,
                    kind=kind,
                    amount_cents=cents,
                    currency=currency,
                    stripe_ref=ref,
                    created_at=moment,
                )
            )
        db.session.commit()
        march = Period(date(2026, 3, 1), date(2026, 3, 31), ZoneInfo("UTC"), "March")
        by_copy, in_python = _text(ledger_csv_by_copy(march)), _text(ledger_csv_in_python(march))

    assert by_copy == in_python
    lines = in_python.decode().split("\r\n")
    assert len(lines) == 1 + 9 + 1  # the header, March's nine lines, and the empty string after the last
    assert b'"fee,with comma"' in by_copy and b'"quote""inside"' in by_copy
    assert b"2026-03-01T09:00:00Z,%d,charge,USD,49.00,49.00,ch_plain" % order_id in by_copy
    assert b"2026-03-01T09:00:00.000001Z" in by_copy
    assert b",refund,USD,0.05,-0.05," in by_copy
    assert b",dispute_won,EUR,1234567.89,1234567.89," in by_copy
    assert b",charge,JPY,1250,1250,\r\n" in by_copy  # an empty reference is an empty, unquoted field
    assert b",charge,KWD,12.345,12.345," in by_copy and b",fee,KWD,0.007,-0.007," in by_copy
    assert b"outside the period" not in by_copy


def test_the_route_serves_copy_on_postgresql(app, admin_client):
    """Through HTTP as the admin downloads it: the COPY path's header and line endings."""
    body = admin_client.get("/admin/ledger.csv?period=today").get_data()
    assert body == b"entry_id,created_at_utc,order_id,kind,currency,amount,signed_amount,stripe_ref\r\n"
