"""Your data, your choice: download everything the school holds about you, or delete your account.

Accounts sit low in the layers, yet a learner's data lives in every feature above (learning, quizzes,
billing, practice). So each feature registers what it holds here, as a name with an exporter
``(user) -> JSON-able`` and an eraser ``(user) -> None`` (the factory runs each feature's register
step), and this module never imports them.

Deleting keeps the user row, anonymised: orders must stay in the school's books (tax, refunds,
disputes) and reference their buyer by foreign key, so the row stays as "Deleted learner" with no email,
name or usable password, while everything that describes the person goes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, current_app
from sqlalchemy import delete, or_

from coursehub.accounts.models import Role, User
from coursehub.accounts.passwords import verify_password
from coursehub.accounts.services import AccountError
from coursehub.accounts.sessions import end_all_sessions
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.mail.models import OutboxMessage

DELETED_NAME = "Deleted learner"
# Not an argon2 hash, so no password ever matches it.
UNUSABLE_PASSWORD_HASH = "!account-deleted"  # noqa: S105 - a marker, not a secret


@dataclass(frozen=True)
class PersonalData:
    name: str
    export: Callable[[User], Any]
    erase: Callable[[User], None]


def register_personal_data(
    app: Flask, name: str, export: Callable[[User], Any], erase: Callable[[User], None]
) -> None:
    """Called by each feature's register step; the export shows the data under ``name``."""
    app.extensions.setdefault("coursehub.personal_data", {})[name] = PersonalData(name, export, erase)


def _sources() -> list[PersonalData]:
    return list(current_app.extensions.get("coursehub.personal_data", {}).values())


def _account(user: User) -> dict[str, Any]:
    return {
        "id": user.id,
        "email": user.email,
        "display_name": user.display_name,
        "role": user.role.value,
        "email_verified_at": user.email_verified_at,
        "pending_email": user.pending_email,
        "last_login_at": user.last_login_at,
        "created_at": user.created_at,
    }


def export_personal_data(user: User) -> dict[str, Any]:
    """Everything the school holds about ``user``, by feature, ready for ``json.dumps(default=str)``."""
    data: dict[str, Any] = {"exported_at": utcnow(), "account": _account(user)}
    for source in _sources():
        data[source.name] = source.export(user)
    return data


def delete_account(user: User, password: str, confirmed: bool) -> None:
    """Erase the learner's data in every feature and anonymise the account; the caller commits once.

    Every session and remember-me cookie ends, because the session version moves on.
    :raise AccountError: not confirmed, the wrong password, or a staff account (staff are removed by
        another admin, so the school never loses its last one by a click).
    """
    if not confirmed:
        raise AccountError("Tick the box to confirm that you want your account deleted.", field="confirm")
    if not verify_password(user.password_hash, password):
        raise AccountError("Your password is not right.", field="password")
    if user.role is not Role.LEARNER:
        raise AccountError("Staff accounts are removed by another admin.", field="password")
    for source in reversed(_sources()):  # features above erase first
        source.erase(user)
    addresses = [address for address in (user.email, user.pending_email) if address]
    db.session.execute(
        delete(OutboxMessage)
        .where(or_(*(OutboxMessage.to_address == address for address in addresses)))
        .execution_options(synchronize_session=False)
    )
    user.email = f"deleted-{user.id}@deleted.invalid"
    user.display_name = DELETED_NAME
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.pending_email = None
    user.email_verified_at = None
    user.last_login_at = None
    end_all_sessions(user)
    db.session.flush()
