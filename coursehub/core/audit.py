"""The audit log: every admin action (refund, grant, revoke, disable, role change), from the web or the shell.

Append-only: the code has no update or delete path, and the migration adds a database trigger that
refuses UPDATE and DELETE on the table, so not even a stray script rewrites history. It lives in core
because the services that act (billing, learning, accounts) write it; the users table is named by string.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from coursehub.core.db_types import UTCDateTime, utcnow
from coursehub.core.extensions import db


class AuditEntry(db.Model):
    """Who (``actor``: an admin's email or ``shell:<login>``) did what to which object, when and why."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_target", "target_type", "target_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(255))
    action: Mapped[str] = mapped_column(String(40), index=True)
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(500), default="")
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


def record_audit(
    actor: str, action: str, target: tuple[str, int], reason: str = "", details: dict[str, Any] | None = None
) -> AuditEntry:
    """Append one entry; the caller's commit keeps it together with the action it describes.

    :param target: the object acted on, as (kind, id): ``("order", 12)``, ``("user", 5)``.
    """
    target_type, target_id = target
    entry = AuditEntry(
        actor=actor[:255],
        action=action,
        target_type=target_type,
        target_id=target_id,
        reason=reason[:500],
        details=details or {},
    )
    db.session.add(entry)
    db.session.flush()
    return entry
