"""The sales figures: sums in SQL over the ledger, in integer minor units, one currency per figure.

Definitions (what the dashboard and its tests mean by each word):
- *charged*: the CHARGE lines in the period, what buyers paid (tax included, 0 for a 100%-off order);
- *orders*: orders whose charge falls in the period; *discounts* and *tax* are theirs (Stripe's
  ``total_details``); *gross sales* = charged - tax + discounts, the list value of what was sold;
- *fees*, *refunds*: the FEE and REFUND lines in the period;
- *disputes lost*: DISPUTE lines of disputes that closed lost; *at risk*: those of disputes still open;
  a won dispute's DISPUTE and DISPUTE_WON lines cancel out and are not shown;
- *net revenue after fees*: every ledger line in the period with its sign (money in less refunds, fees
  and disputed money not won back), the same sum as ``billing.ledger.net_revenue_cents``. Tax collected
  is inside it and shown beside it, to set aside.
Money moves are counted when they happen (a refund in March lowers March, whenever the sale was).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import DateTime, bindparam, case, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.sql import operators
from sqlalchemy.sql.expression import UnaryExpression

from coursehub.admin.periods import Period
from coursehub.billing.models import LEDGER_SIGN, LedgerEntry, LedgerKind, Order, Product
from coursehub.core.extensions import db

OPEN_DISPUTE = ("warning_needs_response", "warning_under_review", "needs_response", "under_review")


@dataclass
class Figures:
    """One currency's figures for one period."""

    currency: str
    orders: int = 0
    charged: int = 0
    discounts: int = 0
    tax: int = 0
    fees: int = 0
    refunds: int = 0
    disputes_lost: int = 0
    disputes_at_risk: int = 0
    net: int = 0

    @property
    def gross(self) -> int:
        return self.charged - self.tax + self.discounts

    @property
    def average_order(self) -> int:
        """Rounded half up to the minor unit, in integers (no float ever touches money)."""
        return (2 * self.charged + self.orders) // (2 * self.orders) if self.orders else 0


@dataclass
class ProductFigures:
    product_id: int
    title: str
    kind: str
    currency: str
    orders: int = 0
    charged: int = 0
    refunds: int = 0
    net: int = 0


@dataclass
class Bucket:
    label: str
    charged: dict[str, int] = field(default_factory=dict)
    refunds: dict[str, int] = field(default_factory=dict)
    net: dict[str, int] = field(default_factory=dict)


@dataclass
class Summary:
    """Everything the dashboard shows for a period, from one scan of the ledger."""

    now: dict[str, Figures]
    before: dict[str, Figures]  # the previous period (``Period.previous``), for comparison
    products: list[ProductFigures]
    buckets: list[Bucket]


BEFORE = -1  # the bucket of the previous period's lines


def _bucket_of(moment, bounds: list[tuple[str, datetime, datetime]], offset: int = 0):
    """The index of the bucket holding ``moment``, as a balanced tree of CASEs: a year by day is 365
    buckets, and a row then costs about nine comparisons, not 365. ``moment`` is inside the buckets."""
    if len(bounds) == 1:
        return literal(offset)
    middle = len(bounds) // 2
    return case(
        (moment < bounds[middle][1], _bucket_of(moment, bounds[:middle], offset)),
        else_=_bucket_of(moment, bounds[middle:], offset + middle),
    )


def _bucket(period: Period, bounds: list[tuple[str, datetime, datetime]]):
    """Each line's bucket index: ``BEFORE`` for the previous period, ``len(bounds)`` after the last one.

    PostgreSQL finds it with ``width_bucket`` over the bounds (a binary search in C; the CASE tree made
    its planner sort every line to group them); SQLite with the tree of CASEs.
    """
    moment = LedgerEntry.created_at
    if db.session.get_bind().dialect.name == "postgresql":
        thresholds = [period.previous().start, *(start for _label, start, _end in bounds), bounds[-1][2]]
        edges = bindparam("bucket_edges", thresholds, type_=ARRAY(DateTime(timezone=True)))
        return func.width_bucket(moment, edges) - 2  # 1 is the previous period, 2 the first bucket
    return case(
        (moment < period.start, literal(BEFORE)),
        (moment >= bounds[-1][2], literal(len(bounds))),
        else_=_bucket_of(moment, bounds),
    )


def _as_filtered(start: datetime, end: datetime):
    """``LedgerEntry.created_at`` as the report's WHERE should compare it.

    SQLite here has no STAT4 statistics, so it can't tell a week from the whole history and walks the
    ``created_at`` index even for most of the table: three times slower than reading the table (bench/
    README.md). When the window holds a quarter of the history or more, a unary plus keeps SQLite off
    the index (one more statement, the first line's time, read from that index). PostgreSQL's planner
    has the statistics to choose for itself.
    """
    moment = LedgerEntry.created_at
    if db.session.get_bind().dialect.name != "sqlite":
        return moment
    first = db.session.scalar(select(func.min(moment)))
    if first is None or (end - start) * 4 < end - first:
        return moment
    return UnaryExpression(moment, operator=operators.custom_op("+"), type_=moment.type)


def summary(period: Period, grouping: str) -> Summary:
    """One query over the ledger lines of the period and the one before it, grouped by bucket (the day,
    week or month; ``BEFORE`` for the previous period), product, currency, kind and dispute outcome; the
    figures, the products and the buckets are sums of its rows.

    Bucket bounds are UTC instants computed here from the school's time zone (DST included), so the
    database needs no time-zone support of its own.
    """
    bounds = period.buckets(grouping)
    beyond = len(bounds)  # lines after the last bucket drawn (MAX_BUCKETS): in the figures, not the chart
    bucket = _bucket(period, bounds)
    window = _as_filtered(period.previous().start, period.end)
    in_range = (window >= period.previous().start, window < period.end)
    is_dispute = LedgerEntry.kind == LedgerKind.DISPUTE
    # Every fact the report needs is on the line itself, except how a dispute stands now: only the
    # DISPUTE lines (about 1%) join their order, so the scan of the rest joins nothing (bench/README.md).
    outcome = case(
        (Order.dispute_status == "lost", literal("lost")),
        (Order.dispute_status.in_(OPEN_DISPUTE), literal("open")),
        else_=literal("other"),
    )
    columns = (
        LedgerEntry.product_id,
        LedgerEntry.currency,
        LedgerEntry.kind,
        LedgerEntry.amount_cents,
        LedgerEntry.discount_cents,
        LedgerEntry.tax_cents,
    )
    lines = union_all(
        select(bucket.label("bucket"), literal("other").label("dispute"), *columns).where(
            *in_range, ~is_dispute
        ),
        select(bucket.label("bucket"), outcome.label("dispute"), *columns)
        .join(Order, Order.id == LedgerEntry.order_id)
        .where(*in_range, is_dispute),
    ).subquery()
    keys = (lines.c.bucket, lines.c.product_id, lines.c.currency, lines.c.kind, lines.c.dispute)
    sums = (
        select(
            *keys,
            func.sum(lines.c.amount_cents).label("amount"),
            func.count().label("count"),
            func.sum(lines.c.discount_cents).label("discount"),
            func.sum(lines.c.tax_cents).label("tax"),
        )
        .group_by(*keys)
        .subquery()
    )
    rows = db.session.execute(
        select(
            sums.c.bucket,
            Product.id,
            Product.title,
            Product.kind,
            sums.c.currency,
            sums.c.kind,
            sums.c.dispute,
            sums.c.amount,
            sums.c.count,
            sums.c.discount,
            sums.c.tax,
        ).join(Product, Product.id == sums.c.product_id)
    ).all()
    now: dict[str, Figures] = {}
    before: dict[str, Figures] = {}
    products: dict[tuple[int, str], ProductFigures] = {}
    buckets = [Bucket(label) for label, _start, _end in bounds]
    for index, product_id, title, product_kind, currency, kind, dispute, amount, count, discount, tax in rows:
        index, amount = int(index), int(amount or 0)
        kind = LedgerKind(kind)
        signed = LEDGER_SIGN[kind] * amount
        figures = (before if index == BEFORE else now).setdefault(currency, Figures(currency))
        _add_line(figures, kind, dispute, amount, count, int(discount or 0), int(tax or 0))
        if index == BEFORE:
            continue
        product = products.setdefault(
            (product_id, currency), ProductFigures(product_id, title, product_kind.value, currency)
        )
        product.net += signed
        if index < beyond:
            bucket_net = buckets[index].net
            bucket_net[currency] = bucket_net.get(currency, 0) + signed
        if kind is LedgerKind.CHARGE:
            product.orders += count
            product.charged += amount
            if index < beyond:
                _add_to(buckets[index].charged, currency, amount)
        elif kind is LedgerKind.REFUND:
            product.refunds += amount
            if index < beyond:
                _add_to(buckets[index].refunds, currency, amount)
    for bucket_row in buckets:  # a bucket with lines shows 0 for what it had none of
        for currency in bucket_row.net:
            bucket_row.charged.setdefault(currency, 0)
            bucket_row.refunds.setdefault(currency, 0)
    ordered = sorted(products.values(), key=lambda p: (p.kind, p.title, p.currency))
    return Summary(dict(sorted(now.items())), dict(sorted(before.items())), ordered, buckets)


def _add_to(sums: dict[str, int], currency: str, amount: int) -> None:
    sums[currency] = sums.get(currency, 0) + amount


def _add_line(
    figure: Figures, kind: LedgerKind, dispute: str, amount: int, count: int, discount, tax
) -> None:
    figure.net += LEDGER_SIGN[kind] * amount
    if kind is LedgerKind.CHARGE:
        figure.orders += count
        figure.charged += amount
        figure.discounts += discount
        figure.tax += tax
    elif kind is LedgerKind.FEE:
        figure.fees += amount
    elif kind is LedgerKind.REFUND:
        figure.refunds += amount
    elif kind is LedgerKind.DISPUTE and dispute == "lost":
        figure.disputes_lost += amount
    elif kind is LedgerKind.DISPUTE and dispute == "open":
        figure.disputes_at_risk += amount


def change_by_currency(now: dict[str, Figures], before: dict[str, Figures]) -> dict[str, Figures]:
    """The previous period's figures for each currency shown now (zeros where it had none)."""
    return {currency: before.get(currency, Figures(currency)) for currency in now}
