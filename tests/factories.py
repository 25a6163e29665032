"""Test data made through the models, committed inside the test's rolled-back transaction."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import cache

from coursehub.accounts.models import Role, User
from coursehub.accounts.passwords import hash_password
from coursehub.db_types import utcnow
from coursehub.extensions import db

DEFAULT_PASSWORD = "correct horse battery staple"
_numbers = itertools.count(1)


@dataclass(frozen=True)
class UserRecord:
    """What a test needs to know about a user, usable outside the app context that made it."""

    id: int
    email: str
    password: str
    display_name: str
    role: Role


@cache
def _hash(password: str) -> str:
    """Argon2 is slow on purpose; hash each test password once per run."""
    return hash_password(password)


def make_user(app, email: str | None = None, password: str = DEFAULT_PASSWORD, role: Role = Role.LEARNER,
              verified: bool = True, display_name: str | None = None) -> UserRecord:
    number = next(_numbers)
    email = email or f"learner{number}@example.com"
    display_name = display_name or f"Learner {number}"
    with app.app_context():
        user = User(email=email, display_name=display_name, role=role, password_hash=_hash(password),
                    email_verified_at=utcnow() if verified else None)
        db.session.add(user)
        db.session.commit()
        return UserRecord(user.id, user.email, password, user.display_name, user.role)


def get_user(app, user_id: int) -> User:
    """A fresh copy of the user, detached, with its columns loaded."""
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user
