"""Where a course or module stands (draft, scheduled, published, archived) and the verbs that move it.

"Scheduled" is only ``published_at`` in the future: every read query compares with the time of the
request, so a scheduled module goes live at its time with no worker or cron.
"""

from __future__ import annotations

import enum
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import or_, update

from coursehub.content.catalog_version import catalog_changed
from coursehub.content.models import Course, Module
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db


class Status(enum.StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"
    ARCHIVED = "archived"


class StatusError(Exception):
    """The change makes no sense for the row as it stands: the message says why, ``status`` the HTTP code."""

    def __init__(self, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.status = status


def status_of(row: Course | Module, now: datetime | None = None) -> Status:
    if row.archived_at is not None:
        return Status.ARCHIVED
    if row.published_at is None:
        return Status.DRAFT
    return Status.PUBLISHED if row.published_at <= (now or utcnow()) else Status.SCHEDULED


def _kind(row: Course | Module) -> str:
    return "course" if isinstance(row, Course) else "module"


def _check_not_archived(row: Course | Module) -> None:
    if row.archived_at is not None:
        raise StatusError(
            f"This {_kind(row)} is archived (it was removed from the course files); "
            "bring it back by importing files that contain it."
        )


def publish(actor, row: Course | Module, now: datetime | None = None) -> None:
    """Live now. ``actor`` is the author or admin; the role check is the blueprint's.

    One conditional UPDATE, so of two clicks at once only one publishes (and only one announces).
    """
    now = now or utcnow()
    _check_not_archived(row)
    model = type(row)
    result = db.session.execute(
        update(model)
        .where(model.id == row.id, or_(model.published_at.is_(None), model.published_at > now))
        .values(published_at=now)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise StatusError(f"This {_kind(row)} is already published.")
    catalog_changed()  # a bulk UPDATE: the flush that marks changed rows never sees it
    db.session.refresh(row)


def schedule(actor, row: Course | Module, at: datetime, now: datetime | None = None) -> None:
    """Live at ``at`` (UTC). A published row is unpublished first, so learners never lose it by accident."""
    now = now or utcnow()
    _check_not_archived(row)
    if status_of(row, now) is Status.PUBLISHED:
        raise StatusError(f"This {_kind(row)} is already published; unpublish it first to schedule it.")
    if at <= now:
        raise StatusError("Choose a time in the future, or publish now.", 400)
    row.published_at = at
    db.session.flush()


def unpublish(actor, row: Course | Module, now: datetime | None = None) -> None:
    """Back to a draft: learners no longer see it; their progress stays."""
    _check_not_archived(row)
    if status_of(row, now) is Status.DRAFT:
        raise StatusError(f"This {_kind(row)} is already a draft.")
    row.published_at = None
    db.session.flush()


def author_zone() -> ZoneInfo:
    return ZoneInfo(current_app.config["AUTHOR_TIMEZONE"])


def local_time(moment: datetime | None) -> str:
    """A UTC time as the author reads it: 'Mon 5 Jan 2027, 09:00 (Europe/London)'."""
    if moment is None:
        return ""
    zone = author_zone()
    return moment.astimezone(zone).strftime("%a %-d %b %Y, %H:%M") + f" ({zone.key})"


def parse_local(value: str) -> datetime:
    """A ``datetime-local`` field (author's zone) as an aware UTC time. :raise StatusError: if unreadable."""
    try:
        naive = datetime.fromisoformat(value.strip())
    except ValueError:
        raise StatusError("Give the date and time as YYYY-MM-DD HH:MM.", 400) from None
    if naive.tzinfo is not None:
        raise StatusError("Give the date and time without a time zone; it is read in the author's zone.", 400)
    return naive.replace(tzinfo=author_zone()).astimezone(ZoneInfo("UTC"))
