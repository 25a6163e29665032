"""A log line for every change of access, whichever code made it (purchase, refund, dispute, grant, revoke).

It watches entitlement rows as they are flushed, so a new path that changes access is logged without
remembering to log: the row is the access, and its status is what changed.
"""

from __future__ import annotations

import logging

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from coursehub.learning.models import Entitlement, EntitlementStatus

log = logging.getLogger("coursehub.access")


def _log_entitlement_changes(session: Session, _flush_context) -> None:
    for row in [*session.new, *session.dirty]:
        if not isinstance(row, Entitlement):
            continue
        history = inspect(row).attrs.status.history
        if not history.added:
            continue
        before = history.deleted[0] if history.deleted else None
        if before is None and row.status is not EntitlementStatus.ACTIVE:
            continue  # a row born without access (a placeholder before a grant) changes nothing yet
        log.info(
            "access change",
            extra={
                "user_id": row.user_id,
                "course_id": row.course_id,
                "source": str(row.source),
                "from_status": str(before) if before is not None else None,
                "to_status": str(row.status),
                "order_id": row.order_id,
                "reason": row.reason,
            },
        )


def register_access_log() -> None:
    if not event.contains(Session, "after_flush", _log_entitlement_changes):
        event.listen(Session, "after_flush", _log_entitlement_changes)
