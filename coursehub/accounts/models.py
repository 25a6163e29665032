"""Users and their roles."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, Integer, String
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
    # Bumped when the password changes, so every other session and remember-me cookie ends.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    pending_email: Mapped[str | None] = mapped_column(String(254))
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    # Not a column: set by log-in (``services.authenticate``) for the greeting on that one request.
    first_login = False

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role.value}>"

    def get_id(self) -> str:
        return f"{self.id}.{self.session_version}"

    @property
    def is_verified(self) -> bool:
        return self.email_verified_at is not None

    def has_role(self, *roles: Role) -> bool:
        return self.role in roles
