"""Products, orders, the append-only money ledger, and the Stripe events already processed.

Money is integers in minor units everywhere. An order's access follows from Stripe's current state
(paid, refunded, disputed), recorded here; entitlements are derived from it, never from a redirect.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursehub.core.db_types import UTCDateTime, str_enum, utcnow
from coursehub.core.extensions import db


class ProductKind(enum.StrEnum):
    COURSE = "course"
    BUNDLE = "bundle"


product_courses = Table(
    "product_courses",
    db.metadata,
    Column("product_id", ForeignKey("products.id"), primary_key=True),
    Column("course_id", ForeignKey("courses.id"), primary_key=True),
)


class Product(db.Model):
    """Something for sale: one paid course, or a bundle of them. Fed from courses/ by the import."""

    __tablename__ = "products"
    __table_args__ = (CheckConstraint("price_cents > 0", name="price_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    kind: Mapped[ProductKind] = mapped_column(str_enum(ProductKind, "product_kind"))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500), default="")
    price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    courses = relationship("Course", secondary=product_courses, order_by="Course.position")


class OrderStatus(enum.StrEnum):
    PENDING = "pending"  # checkout started, not paid
    PAID = "paid"  # Stripe says paid (what happened to the money since is in the ledger)
    FAILED = "failed"  # a delayed payment failed
    EXPIRED = "expired"  # the checkout session expired unpaid
    MISMATCH = "mismatch"  # paid, but not what we asked for: no access, flagged for the admin


class AccessState(enum.StrEnum):
    NONE = "none"
    ACTIVE = "active"
    SUSPENDED = "suspended"  # a dispute is open
    REVOKED = "revoked"  # fully refunded, or a dispute was lost


class Order(db.Model):
    __tablename__ = "orders"
    __table_args__ = (
        CheckConstraint("list_price_cents > 0", name="list_price_positive"),
        CheckConstraint("refunded_cents >= 0", name="refunded_not_negative"),
        CheckConstraint("discount_cents >= 0 AND tax_cents >= 0", name="discount_and_tax_not_negative"),
        # One open checkout per learner and product: parallel Buy clicks meet here and reuse it.
        Index(
            "uq_orders_one_pending_checkout",
            "user_id",
            "product_id",
            unique=True,
            postgresql_where=text("status = 'pending'"),
            sqlite_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    status: Mapped[OrderStatus] = mapped_column(
        str_enum(OrderStatus, "order_status"), default=OrderStatus.PENDING
    )
    access: Mapped[AccessState] = mapped_column(
        str_enum(AccessState, "order_access"), default=AccessState.NONE
    )
    list_price_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    amount_paid_cents: Mapped[int | None] = mapped_column(Integer)  # after any promotion code
    discount_cents: Mapped[int] = mapped_column(Integer, default=0)  # Stripe's total_details.amount_discount
    tax_cents: Mapped[int] = mapped_column(Integer, default=0)  # tax collected with the payment (not revenue)
    refunded_cents: Mapped[int] = mapped_column(Integer, default=0)
    checkout_session_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    checkout_url: Mapped[str | None] = mapped_column(String(2000))
    payment_intent_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    charge_id: Mapped[str | None] = mapped_column(String(255))
    payment_last4: Mapped[str | None] = mapped_column(String(4))  # for the receipt, when Stripe gives it
    dispute_status: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str] = mapped_column(String(500), default="")
    # Set when this payment paid again for courses another paid order of the learner already opened: the
    # admin refunds one of them (see DESIGN §4); nothing is refunded behind the school's back.
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    # Indexed for the back office: the order list and its export by period, newest first.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    paid_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    product: Mapped[Product] = relationship()
    user = relationship("User")
    entries: Mapped[list[LedgerEntry]] = relationship(back_populates="order", order_by="LedgerEntry.id")
    refund_requests: Mapped[list[RefundRequest]] = relationship(
        back_populates="order", order_by="RefundRequest.id"
    )


class LedgerKind(enum.StrEnum):
    CHARGE = "charge"  # money in
    REFUND = "refund"  # money back to the learner
    DISPUTE = "dispute"  # withdrawn by the bank when a dispute opens
    DISPUTE_WON = "dispute_won"  # returned when we win it
    FEE = "fee"  # Stripe's processing fee on a charge (its balance transaction's ``fee``)


LEDGER_SIGN = {
    LedgerKind.CHARGE: 1,
    LedgerKind.REFUND: -1,
    LedgerKind.DISPUTE: -1,
    LedgerKind.DISPUTE_WON: 1,
    LedgerKind.FEE: -1,
}


class LedgerEntry(db.Model):
    """One movement of money, never updated or deleted. ``stripe_ref`` makes recording it idempotent."""

    __tablename__ = "ledger_entries"
    __table_args__ = (CheckConstraint("amount_cents >= 0", name="amount_not_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    kind: Mapped[LedgerKind] = mapped_column(str_enum(LedgerKind, "ledger_kind"))
    amount_cents: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    stripe_ref: Mapped[str] = mapped_column(String(255), unique=True)
    # Indexed for the sales dashboard and the ledger export, which read a period's lines.
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Copied from the order when the line is written, so the sales report reads the ledger alone: the
    # product (it never changes), and on a charge line the discount and tax of the payment it records
    # (Stripe's total_details; 0 on every other line).
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    discount_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    tax_cents: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    order: Mapped[Order] = relationship(back_populates="entries")

    @property
    def signed_cents(self) -> int:
        return LEDGER_SIGN[self.kind] * self.amount_cents


class RefundRequest(db.Model):
    """A refund the school asked Stripe for, keyed by the caller's request key (a form nonce).

    It shows as "refund requested" until the ledger holds a line for its Stripe refund id.
    """

    __tablename__ = "refund_requests"
    __table_args__ = (CheckConstraint("amount_cents > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"), index=True)
    request_key: Mapped[str] = mapped_column(String(200), unique=True)
    amount_cents: Mapped[int] = mapped_column(Integer)
    stripe_refund_id: Mapped[str] = mapped_column(String(255), unique=True)
    requested_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    order: Mapped[Order] = relationship(back_populates="refund_requests")


class StripeEvent(db.Model):
    """Each Stripe event id is processed once; the row is written in the same transaction as its effect."""

    __tablename__ = "stripe_events"

    id: Mapped[str] = mapped_column(String(255), primary_key=True)
    type: Mapped[str] = mapped_column(String(100))
    created: Mapped[int] = mapped_column(BigInteger)
    # The order it was about (none for unknown types or an event no order matches): the order's timeline.
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"), index=True)
    processed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
