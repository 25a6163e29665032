"""A log line for every change of access: an entitlement's status moving, a hold placed or lifted.

Access is written in three places only (``upsert_entitlement``, ``grant_access`` lifting a hold and
``revoke_access`` placing one, all in ``enrollment.py``), and each calls :func:`log_access_change`.
"""

from __future__ import annotations

import logging

log = logging.getLogger("coursehub.access")


def log_access_change(
    user_id: int,
    course_id: int,
    source: str,
    from_status: str | None,
    to_status: str,
    order_id: int | None = None,
    reason: str = "",
) -> None:
    """Log one change; a row born without access, or a status that did not move, is not a change."""
    if from_status == to_status or (from_status is None and to_status != "active"):
        return
    log.info(
        "access change",
        extra={
            "user_id": user_id,
            "course_id": course_id,
            "source": source,
            "from_status": from_status,
            "to_status": to_status,
            "order_id": order_id,
            "reason": reason,
        },
    )
