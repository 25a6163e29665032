"""The admin's order list (filters, a page at a time, a fixed number of queries) and one order's record."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.orm import contains_eager, selectinload

from coursehub.accounts.models import User
from coursehub.admin.periods import Period
from coursehub.billing.models import LedgerEntry, Order, OrderStatus, Product, StripeEvent
from coursehub.core.audit import AuditEntry
from coursehub.core.extensions import db
from coursehub.learning.models import Entitlement

PAGE_SIZE = 50
OPEN_DISPUTE = ("warning_needs_response", "warning_under_review", "needs_response", "under_review")
STATUSES = (
    "pending",
    "paid",
    "failed",
    "expired",
    "refunded",
    "partially refunded",
    "disputed",
    "mismatch",
)
# The status an admin sees, defined once in SQL: the list filters on it and shows it, the order page too.
# A paid order is "disputed" while it has a dispute, else "refunded" or "partially refunded" by its money.
STATUS_LABEL = case(
    (
        Order.status == OrderStatus.PAID,
        case(
            (Order.dispute_status.is_not(None), literal("disputed")),
            (
                and_(Order.refunded_cents > 0, Order.refunded_cents >= Order.amount_paid_cents),
                literal("refunded"),
            ),
            (Order.refunded_cents > 0, literal("partially refunded")),
            else_=literal("paid"),
        ),
    ),
    *[
        (Order.status == status, literal(status.value))
        for status in OrderStatus
        if status is not OrderStatus.PAID
    ],
    else_=literal("unknown"),
)


class OrderFilterError(ValueError):
    """A filter value that is not one; the message says which."""


@dataclass(frozen=True)
class OrderFilter:
    status: str = ""
    product_id: int | None = None
    email: str = ""
    period: Period | None = None

    def where(self):
        clauses = []
        if self.status:
            clauses.append(self.status == STATUS_LABEL)
        if self.product_id is not None:
            clauses.append(Order.product_id == self.product_id)
        if self.email:
            clauses.append(User.email.contains(self.email.lower(), autoescape=True))
        if self.period is not None:
            clauses.append(and_(Order.created_at >= self.period.start, Order.created_at < self.period.end))
        return clauses


def parse_filter(args, period: Period | None) -> OrderFilter:
    """:raise OrderFilterError: an unknown status, a product id that is not a number."""
    status = args.get("status", "").strip()
    if status and status not in STATUSES:
        raise OrderFilterError(f"Unknown status; choose one of {', '.join(STATUSES)}.")
    product = args.get("product", "").strip()
    if product and (not product.isdigit() or len(product) > 9):
        raise OrderFilterError("Choose a product from the list.")
    email = args.get("email", "").strip()[:254]
    if "\x00" in email:
        raise OrderFilterError("The email can't contain a NUL character.")
    return OrderFilter(status, int(product) if product else None, email, period)


@dataclass
class OrderPage:
    rows: list[tuple[Order, str]]
    total: int
    page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // PAGE_SIZE))


def list_orders(order_filter: OrderFilter, page: int) -> OrderPage:
    """Two queries whatever the number of orders: the count, and one page joined with buyer and product."""
    base = select(Order).join(Order.user).join(Order.product).where(*order_filter.where())
    total = db.session.scalar(base.with_only_columns(func.count(Order.id)).order_by(None))
    rows = db.session.execute(
        base.add_columns(STATUS_LABEL)
        .options(contains_eager(Order.user), contains_eager(Order.product))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()
    return OrderPage([(order, label) for order, label in rows], int(total or 0), page)


def products() -> list[Product]:
    return list(db.session.scalars(select(Product).order_by(Product.kind, Product.title)))


@dataclass
class OrderRecord:
    order: Order
    status: str
    ledger: list[LedgerEntry]
    events: list[StripeEvent]
    access: list[Entitlement]
    audit: list[AuditEntry]


def order_record(order_id: int) -> OrderRecord | None:
    """The order with its buyer, product and courses, ledger, webhook timeline, access and audit."""
    found = db.session.execute(
        select(Order, STATUS_LABEL)
        .where(Order.id == order_id)
        .options(selectinload(Order.user), selectinload(Order.product).selectinload(Product.courses))
    ).first()
    if found is None:
        return None
    order, status = found
    ledger = list(
        db.session.scalars(
            select(LedgerEntry).where(LedgerEntry.order_id == order.id).order_by(LedgerEntry.id)
        )
    )
    events = list(
        db.session.scalars(
            select(StripeEvent)
            .where(StripeEvent.order_id == order.id)
            .order_by(StripeEvent.created, StripeEvent.processed_at)
        )
    )
    access = list(
        db.session.scalars(
            select(Entitlement)
            .where(Entitlement.order_id == order.id)
            .options(selectinload(Entitlement.course))
            .order_by(Entitlement.id)
        )
    )
    audit = list(
        db.session.scalars(
            select(AuditEntry)
            .where(AuditEntry.target_type == "order", AuditEntry.target_id == order.id)
            .order_by(AuditEntry.id.desc())
        )
    )
    return OrderRecord(order, status, ledger, events, access, audit)
