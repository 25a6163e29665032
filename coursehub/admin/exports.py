"""CSV exports for the accountant: streamed row by row, so a million rows never sit in memory.

Stable column names, amounts as decimal strings in major units with the currency beside them, and UTC
ISO 8601 timestamps: a spreadsheet opens the file as it is.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from sqlalchemy import select

from coursehub.accounts.models import User
from coursehub.admin.orders import STATUS_LABEL
from coursehub.admin.periods import Period
from coursehub.billing.models import LEDGER_SIGN, LedgerEntry, Order, Product
from coursehub.billing.money import EXPONENTS, decimal_string
from coursehub.core.extensions import db

ORDER_COLUMNS = (
    "order_id",
    "created_at_utc",
    "paid_at_utc",
    "status",
    "buyer_email",
    "product",
    "currency",
    "list_price",
    "discount",
    "tax",
    "amount_paid",
    "refunded",
    "stripe_payment_intent",
)
LEDGER_COLUMNS = (
    "entry_id",
    "created_at_utc",
    "order_id",
    "kind",
    "currency",
    "amount",
    "signed_amount",
    "stripe_ref",
)
BATCH = 1000


def _iso(moment) -> str:
    return moment.isoformat().replace("+00:00", "Z") if moment else ""


def _csv_lines(header, rows) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
        if buffer.tell() > 64 * 1024:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def orders_csv(period: Period) -> Iterator[str]:
    statement = (
        select(
            Order.id,
            Order.created_at,
            Order.paid_at,
            STATUS_LABEL,
            User.email,
            Product.slug,
            Order.currency,
            Order.list_price_cents,
            Order.discount_cents,
            Order.tax_cents,
            Order.amount_paid_cents,
            Order.refunded_cents,
            Order.payment_intent_id,
        )
        .join(User, User.id == Order.user_id)
        .join(Product, Product.id == Order.product_id)
        .where(Order.created_at >= period.start, Order.created_at < period.end)
        .order_by(Order.id)
        .execution_options(yield_per=BATCH)
    )

    def rows():
        for (
            oid,
            created,
            paid,
            status,
            email,
            product,
            cur,
            listed,
            disc,
            tax,
            paid_cents,
            refunded,
            intent,
        ) in db.session.execute(statement):
            yield (
                oid,
                _iso(created),
                _iso(paid),
                status,
                email,
                product,
                cur.upper(),
                decimal_string(listed, cur),
                decimal_string(disc, cur),
                decimal_string(tax, cur),
                decimal_string(paid_cents or 0, cur),
                decimal_string(refunded, cur),
                intent or "",
            )

    return _csv_lines(ORDER_COLUMNS, rows())


def ledger_csv(period: Period) -> Iterator[str | bytes]:
    """Every ledger line of the period, oldest first; the same bytes on both databases."""
    if db.session.get_bind().dialect.name == "postgresql":
        return ledger_csv_by_copy(period)
    return ledger_csv_in_python(period)


def ledger_csv_in_python(period: Period) -> Iterator[str]:
    # Columns, not entities: no identity map or instance per line (the export ran at a tenth the speed
    # of PostgreSQL's COPY through ORM rows; bench/README.md).
    statement = (
        select(
            LedgerEntry.id,
            LedgerEntry.created_at,
            LedgerEntry.order_id,
            LedgerEntry.kind,
            LedgerEntry.currency,
            LedgerEntry.amount_cents,
            LedgerEntry.stripe_ref,
        )
        .where(LedgerEntry.created_at >= period.start, LedgerEntry.created_at < period.end)
        .order_by(LedgerEntry.id)
        .execution_options(stream_results=True, max_row_buffer=BATCH)
    )

    def rows():
        lines = db.session.connection().execute(statement)  # Core rows: no ORM loading per line
        for entry_id, created, order_id, kind, currency, amount, ref in lines:
            yield (
                entry_id,
                _iso(created),
                order_id,
                kind.value,
                currency.upper(),
                decimal_string(amount, currency),
                decimal_string(LEDGER_SIGN[kind] * amount, currency),
                ref,
            )

    return _csv_lines(LEDGER_COLUMNS, rows())


# ``_iso`` and ``decimal_string`` in PostgreSQL (sessions are in UTC, core.database): microseconds only
# when there are some; each currency's exponent from the same table as ``billing.money``.
_LEDGER_COPY = """COPY (
    SELECT id AS entry_id,
           to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS')
             || CASE WHEN mod(extract(microseconds FROM created_at)::bigint, 1000000) = 0 THEN ''
                     ELSE to_char(created_at AT TIME ZONE 'UTC', '.US') END
             || 'Z' AS created_at_utc,
           order_id,
           kind,
           upper(currency) AS currency,
           round(amount_cents / power(10::numeric, places), places)::text AS amount,
           round(signed_cents / power(10::numeric, places), places)::text AS signed_amount,
           NULLIF(stripe_ref, '') AS stripe_ref
      FROM (SELECT *,
                   CASE WHEN kind = ANY(%(negative)s) THEN -amount_cents
                        ELSE amount_cents END AS signed_cents,
                   CASE WHEN lower(currency) = ANY(%(no_decimals)s) THEN 0
                        WHEN lower(currency) = ANY(%(three_decimals)s) THEN 3
                        ELSE 2 END AS places
              FROM ledger_entries
             WHERE created_at >= %(start)s AND created_at < %(end)s) AS period_lines
     ORDER BY id
) TO STDOUT (FORMAT csv, HEADER)"""


def ledger_csv_by_copy(period: Period) -> Iterator[bytes]:
    """The ledger through PostgreSQL's ``COPY ... TO STDOUT``: formatting every line in Python was most
    of the export's time (bench/README.md). PostgreSQL quotes as the csv module does (a field holding a
    comma, quote, CR or LF); it ends lines with LF where the csv module writes CRLF, and sends one
    message per row, so each row's last byte is swapped here. An empty string would come out quoted,
    hence the NULLIF."""
    params = {
        "start": period.start,
        "end": period.end,
        "no_decimals": [code for code, places in EXPONENTS.items() if places == 0],
        "three_decimals": [code for code, places in EXPONENTS.items() if places == 3],
        "negative": [kind.value for kind, sign in LEDGER_SIGN.items() if sign < 0],
    }
    connection = db.session.connection().connection.driver_connection
    with connection.cursor() as cursor, cursor.copy(_LEDGER_COPY, params) as copy:
        chunk = bytearray()
        for row in copy:
            chunk += row[:-1]
            chunk += b"\r\n"
            if len(chunk) > 64 * 1024:
                yield bytes(chunk)
                chunk.clear()
        yield bytes(chunk)
