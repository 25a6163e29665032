"""Entitlements: who may open which course, and why."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import BigInteger, Float, ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursehub.core.db_types import UTCDateTime, str_enum, utcnow
from coursehub.core.extensions import db


class EntitlementSource(enum.StrEnum):
    PURCHASE = "purchase"
    BUNDLE = "bundle"
    FREE = "free"
    GRANT = "grant"


class EntitlementStatus(enum.StrEnum):
    ACTIVE = "active"
    REVOKED = "revoked"
    SUSPENDED = "suspended"


class Entitlement(db.Model):
    """One reason a user may open a course: an order's course, the free course, or a manual grant.

    Purchase and bundle rows are one per (order, course), so an event about one order touches only that
    order's rows; the free course and a manual grant have one row each per (user, course). Rows are
    never deleted: revoking sets the status, so progress and history survive and a restored entitlement
    (a dispute won, a grant renewed) brings everything back. ``actor`` says who set a manual row.
    """

    __tablename__ = "entitlements"
    __table_args__ = (
        UniqueConstraint("order_id", "course_id", name="uq_entitlements_order_course"),
        Index(
            "uq_entitlements_user_course_source_direct",
            "user_id",
            "course_id",
            "source",
            unique=True,
            postgresql_where=text("order_id IS NULL"),
            sqlite_where=text("order_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    source: Mapped[EntitlementSource] = mapped_column(str_enum(EntitlementSource, "entitlement_source"))
    status: Mapped[EntitlementStatus] = mapped_column(
        str_enum(EntitlementStatus, "entitlement_status"), default=EntitlementStatus.ACTIVE
    )
    order_id: Mapped[int | None] = mapped_column(ForeignKey("orders.id"))
    reason: Mapped[str] = mapped_column(String(300), default="")
    actor: Mapped[str] = mapped_column(String(255), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course = relationship("Course")

    def __repr__(self) -> str:
        return f"<Entitlement user={self.user_id} course={self.course_id} {self.source} {self.status}>"


class AccessHold(db.Model):
    """A manual revoke: while it stands (``lifted_at`` is empty) the course stays shut whatever was paid.

    Stripe events never lift it; only a manual grant does, recording who lifted it and when. Kept after
    lifting, so the history of who shut whose access and why stays visible.
    """

    __tablename__ = "access_holds"
    __table_args__ = (
        Index(
            "uq_access_holds_standing",
            "user_id",
            "course_id",
            unique=True,
            postgresql_where=text("lifted_at IS NULL"),
            sqlite_where=text("lifted_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    reason: Mapped[str] = mapped_column(String(300))
    actor: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_by: Mapped[str | None] = mapped_column(String(255))

    course = relationship("Course")


class Enrollment(db.Model):
    """A learner's place in a course: when they started (drip counts from here) and where they were."""

    __tablename__ = "enrollments"
    __table_args__ = (UniqueConstraint("user_id", "course_id", name="uq_enrollments_user_course"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    enrolled_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_activity_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_lesson_id: Mapped[int | None] = mapped_column(ForeignKey("lessons.id"))

    course = relationship("Course")
    last_lesson = relationship("Lesson")


class LessonProgress(db.Model):
    """How far one learner got in one lesson. Written by a single atomic upsert per heartbeat.

    ``furthest_seconds`` only grows, and only by continuous watching (a jump ahead is not "watched");
    ``position_seconds`` is where to resume, taken from the newest report by the client's clock.
    """

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"))
    position_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    furthest_seconds: Mapped[float] = mapped_column(Float, default=0.0)
    reported_at_ms: Mapped[int] = mapped_column(BigInteger, default=0)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certificate(db.Model):
    """Issued once a course is finished; its public page shows only name, course and date."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "course_id", name="uq_certificates_user_course"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name_on_certificate: Mapped[str] = mapped_column(String(80))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    course = relationship("Course")
