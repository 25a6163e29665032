"""Users, their roles, and their signed-in sessions."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from coursehub.core.db_types import UTCDateTime, str_enum, utcnow
from coursehub.core.extensions import db


class Role(enum.StrEnum):
    LEARNER = "learner"
    AUTHOR = "author"
    ADMIN = "admin"


class User(UserMixin, db.Model):
    """A person with an account. Emails are stored lower-cased, which makes them unique regardless of case."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("email = lower(email)", name="email_lowercase"),
        CheckConstraint("pending_email = lower(pending_email)", name="pending_email_lowercase"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    role: Mapped[Role] = mapped_column(str_enum(Role, "role"), default=Role.LEARNER)
    password_hash: Mapped[str] = mapped_column(String(255))
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_email: Mapped[str | None] = mapped_column(String(254))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An admin disabled the account: it can't log in and its sessions are over (who and why: the audit log).
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Not a column: set by log-in (``services.authenticate``) for the greeting on that one request.
    first_login = False

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"

    # Set for the request by log-in or the session loader (accounts/sessions.py); never stored.
    session_token = None  # str | None (unannotated: a plain attribute, not a column)
    current_session = None  # UserSession | None

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and remember-me cookies: this sign-in's token.

        Without one, a value no session matches, so a stray ``login_user`` signs nobody in.
        """
        return self.session_token or f"no-session:{self.id}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def is_disabled(self) -> bool:
        return self.disabled_at is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles


class UserSession(db.Model):
    """One sign-in on one device, so log-out (here or from another device) really ends it.

    The cookie carries a random token; only its SHA-256 is stored, so a copy of the database opens no
    session.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_agent: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<UserSession {self.id} of user {self.user_id}>"
