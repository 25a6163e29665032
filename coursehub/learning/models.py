"""Entitlements: who may open which course, and why."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursehub.db_types import UTCDateTime, utcnow
from coursehub.extensions import db


def _enum(kind: type[enum.Enum], name: str) -> Enum:
    return Enum(kind, native_enum=False, length=16, values_callable=lambda items: [i.value for i in items],
                validate_strings=True, create_constraint=True, name=name)


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
    """One reason a user may open a course. Access needs at least one active row.

    Rows are never deleted: revoking sets the status, so progress and history survive and a restored
    entitlement (a dispute won, a grant renewed) brings everything back.
    """

    __tablename__ = "entitlements"
    __table_args__ = (
        UniqueConstraint("user_id", "course_id", "source", name="uq_entitlements_user_course_source"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id"))
    source: Mapped[EntitlementSource] = mapped_column(_enum(EntitlementSource, "entitlement_source"))
    status: Mapped[EntitlementStatus] = mapped_column(_enum(EntitlementStatus, "entitlement_status"),
                                                      default=EntitlementStatus.ACTIVE)
    order_id: Mapped[int | None] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(300), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    course = relationship("Course")

    def __repr__(self) -> str:
        return f"<Entitlement user={self.user_id} course={self.course_id} {self.source} {self.status}>"
