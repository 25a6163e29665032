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

from sqlalchemy import and_, case, func, literal, select, union_all

from coursehub.admin.periods import Period
from coursehub.billing.models import LEDGER_SIGN, LedgerEntry, LedgerKind, Order, Product
from coursehub.core.db_types import UTCDateTime
from coursehub.core.extensions import db

OPEN_DISPUTE = ("warning_needs_response", "warning_under_review", "needs_response", "under_review")
SIGNED_AMOUNT = case(
    *[(LedgerEntry.kind == kind, sign * LedgerEntry.amount_cents) for kind, sign in LEDGER_SIGN.items()],
    else_=0,
)


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
class Report:
    period: Period
    figures: dict[str, Figures] = field(default_factory=dict)
    products: list[ProductFigures] = field(default_factory=list)


def _in(period: Period):
    return and_(LedgerEntry.created_at >= period.start, LedgerEntry.created_at < period.end)


def figures(period: Period) -> dict[str, Figures]:
    """One query: the ledger lines of the period grouped by currency, kind and dispute outcome."""
    dispute_state = case(
        (Order.dispute_status == "lost", literal("lost")),
        (Order.dispute_status.in_(OPEN_DISPUTE), literal("open")),
        else_=literal("other"),
    )
    is_charge = LedgerEntry.kind == LedgerKind.CHARGE
    rows = db.session.execute(
        select(
            LedgerEntry.currency,
            LedgerEntry.kind,
            dispute_state,
            func.sum(LedgerEntry.amount_cents),
            func.count(),
            func.sum(case((is_charge, Order.discount_cents), else_=0)),
            func.sum(case((is_charge, Order.tax_cents), else_=0)),
        )
        .join(Order, Order.id == LedgerEntry.order_id)
        .where(_in(period))
        .group_by(LedgerEntry.currency, LedgerEntry.kind, dispute_state)
    ).all()
    found: dict[str, Figures] = {}
    for currency, kind, state, amount, count, discounts, tax in rows:
        figure = found.setdefault(currency, Figures(currency))
        amount = int(amount or 0)
        figure.net += LEDGER_SIGN[kind] * amount
        if kind is LedgerKind.CHARGE:
            figure.orders += count
            figure.charged += amount
            figure.discounts += int(discounts or 0)
            figure.tax += int(tax or 0)
        elif kind is LedgerKind.FEE:
            figure.fees += amount
        elif kind is LedgerKind.REFUND:
            figure.refunds += amount
        elif kind is LedgerKind.DISPUTE and state == "lost":
            figure.disputes_lost += amount
        elif kind is LedgerKind.DISPUTE and state == "open":
            figure.disputes_at_risk += amount
    return dict(sorted(found.items()))


def per_product(period: Period) -> list[ProductFigures]:
    """One query: each product's orders, charges, refunds and net in the period, per currency."""
    is_charge = LedgerEntry.kind == LedgerKind.CHARGE
    rows = db.session.execute(
        select(
            Product.id,
            Product.title,
            Product.kind,
            LedgerEntry.currency,
            func.sum(case((is_charge, 1), else_=0)),
            func.sum(case((is_charge, LedgerEntry.amount_cents), else_=0)),
            func.sum(case((LedgerEntry.kind == LedgerKind.REFUND, LedgerEntry.amount_cents), else_=0)),
            func.sum(SIGNED_AMOUNT),
        )
        .join(Order, Order.id == LedgerEntry.order_id)
        .join(Product, Product.id == Order.product_id)
        .where(_in(period))
        .group_by(Product.id, Product.title, Product.kind, LedgerEntry.currency)
        .order_by(Product.kind, Product.title, LedgerEntry.currency)
    ).all()
    return [
        ProductFigures(pid, title, kind.value, currency, int(orders), int(charged), int(refunds), int(net))
        for pid, title, kind, currency, orders, charged, refunds, net in rows
    ]


@dataclass
class Bucket:
    label: str
    charged: dict[str, int] = field(default_factory=dict)
    refunds: dict[str, int] = field(default_factory=dict)
    net: dict[str, int] = field(default_factory=dict)


def over_time(period: Period, grouping: str) -> list[Bucket]:
    """One query: charged, refunded and net per local day, week or month and currency.

    The buckets' UTC bounds are computed here from the school's time zone (DST included) and joined as
    a small inline table, so the database needs no time-zone support of its own.
    """
    bounds = period.buckets(grouping)
    table = union_all(
        *[
            select(
                literal(index).label("bucket"),
                literal(start, UTCDateTime).label("starts"),
                literal(end, UTCDateTime).label("ends"),
            )
            for index, (_label, start, end) in enumerate(bounds)
        ]
    ).subquery("buckets")
    rows = db.session.execute(
        select(
            table.c.bucket,
            LedgerEntry.currency,
            func.sum(case((LedgerEntry.kind == LedgerKind.CHARGE, LedgerEntry.amount_cents), else_=0)),
            func.sum(case((LedgerEntry.kind == LedgerKind.REFUND, LedgerEntry.amount_cents), else_=0)),
            func.sum(SIGNED_AMOUNT),
        )
        .join(
            table,
            and_(LedgerEntry.created_at >= table.c.starts, LedgerEntry.created_at < table.c.ends),
        )
        .group_by(table.c.bucket, LedgerEntry.currency)
    ).all()
    buckets = [Bucket(label) for label, _start, _end in bounds]
    for index, currency, charged, refunds, net in rows:
        bucket = buckets[int(index)]
        bucket.charged[currency] = int(charged)
        bucket.refunds[currency] = int(refunds)
        bucket.net[currency] = int(net)
    return buckets


def report(period: Period) -> Report:
    return Report(period, figures(period), per_product(period))


def change_by_currency(now: dict[str, Figures], before: dict[str, Figures]) -> dict[str, Figures]:
    """The previous period's figures for each currency shown now (zeros where it had none)."""
    return {currency: before.get(currency, Figures(currency)) for currency in now}
