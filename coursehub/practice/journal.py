"""The pain journal: a score from 0 to 10 for a body region, in a context, at a local date and time."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, select

from coursehub.accounts.models import User
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.practice.errors import PracticeError
from coursehub.practice.models import MAX_NOTE_LENGTH, Context, JournalEntry, Region
from coursehub.practice.sessions import own_session

# A phone's clock can run a little ahead of the server's; more than this is a date in the future.
CLOCK_SLACK = timedelta(minutes=5)


def add_entry(
    user: User,
    score: int,
    region: str,
    context: str,
    noted_at: datetime,
    note: str | None = None,
    session_id: int | None = None,
) -> JournalEntry:
    """:raise PracticeError: a value out of range, a time in the future, a note too long."""
    if not 0 <= score <= 10:
        raise PracticeError("Pain is scored from 0 (none) to 10 (the worst you can imagine).")
    if region not in {r.value for r in Region} or context not in {c.value for c in Context}:
        raise PracticeError("Choose a body region and a moment from the lists.")
    if noted_at.tzinfo is None or noted_at > utcnow() + CLOCK_SLACK:
        raise PracticeError("The date and time can't be in the future.")
    note = (note or "").strip() or None
    if note is not None and (len(note) > MAX_NOTE_LENGTH or "\x00" in note):
        raise PracticeError(f"A note can be at most {MAX_NOTE_LENGTH} characters.")
    if session_id is not None:
        own_session(user, session_id)
    entry = JournalEntry(
        user_id=user.id,
        score=score,
        region=Region(region),
        context=Context(context),
        noted_at=noted_at,
        note=note,
        session_id=session_id,
    )
    db.session.add(entry)
    db.session.flush()
    return entry


def entries_of(user: User, limit: int | None = None) -> list[JournalEntry]:
    query = select(JournalEntry).where(JournalEntry.user_id == user.id).order_by(JournalEntry.noted_at.desc())
    return list(db.session.scalars(query.limit(limit) if limit else query))


def delete_journal(user: User) -> int:
    """Delete every journal entry of the learner, for good. :return: how many were deleted."""
    result = db.session.execute(
        delete(JournalEntry)
        .where(JournalEntry.user_id == user.id)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
