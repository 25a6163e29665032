"""Signed-in sessions kept on the server: started at log-in, checked on every request, ended at log-out.

A cookie copied before log-out opens nothing after it; a changed or reset password ends every session;
a learner sees their other sessions on the account page and can end them.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import timedelta
from functools import cache

from sqlalchemy import bindparam, select, update

from coursehub.accounts.models import User, UserSession
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db

# As long as a remember-me cookie lives: a session unused this long is over.
IDLE_LIMIT = timedelta(days=30)
# Last-seen is for people reading the list, so it is written at most this often, not on every request.
TOUCH_EVERY = timedelta(minutes=5)
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def start_session(user: User, user_agent: str = "") -> UserSession:
    """Record a new sign-in and attach it to ``user`` for Flask-Login's ``get_id``."""
    token = secrets.token_urlsafe(32)
    row = UserSession(
        user_id=user.id, token_hash=_hash(token), user_agent=_UNPRINTABLE.sub("", user_agent)[:200]
    )
    db.session.add(row)
    db.session.flush()
    user.session_token, user.current_session = token, row
    return row


@cache
def _live_session_query():
    """A live session with its user, in one statement built once: every signed-in request runs it."""
    return (
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.token_hash == bindparam("token_hash"), UserSession.ended_at.is_(None))
    )


def user_for_token(token: str) -> User | None:
    """The user of a live session, with that session attached; None when it ended, idled out or never was."""
    if not token or len(token) > 100:
        return None
    found = db.session.execute(_live_session_query(), {"token_hash": _hash(token)}).first()
    now = utcnow()
    if found is None or now - found.UserSession.last_seen_at > IDLE_LIMIT:
        return None
    row, user = found
    if user.is_disabled:  # disabling ends the sessions too; this also covers one started in a race
        return None
    if now - row.last_seen_at > TOUCH_EVERY:
        # Committed now, before the request's own work: most pages write nothing and commit nothing.
        row.last_seen_at = now
        db.session.commit()
    user.session_token, user.current_session = token, row
    return user


def end_session(row: UserSession | None) -> None:
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        db.session.flush()


def end_all_sessions(user: User, keep: UserSession | None = None) -> None:
    """End every live session of ``user`` but ``keep`` (after a password change: this device stays in)."""
    statement = update(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep.id)
    db.session.execute(
        statement.values(ended_at=utcnow()), execution_options={"synchronize_session": "fetch"}
    )
    db.session.flush()


def live_sessions(user: User) -> list[UserSession]:
    """Newest use first, without those idle past the limit."""
    rows = db.session.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ).all()
    return [row for row in rows if utcnow() - row.last_seen_at <= IDLE_LIMIT]


def own_session(user: User, session_id: int) -> UserSession | None:
    row = db.session.get(UserSession, session_id)
    return row if row is not None and row.user_id == user.id else None
