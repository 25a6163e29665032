"""The account verbs: sign up, verify, log in, reset, change password or email.

Services flush and never commit: the view or CLI command that calls one commits once, and the mail they
queue goes out only after that commit. (``authenticate`` alone may end a read of its own: see there.)
"""

from __future__ import annotations

import unicodedata

from flask import current_app
from sqlalchemy import select

from coursehub.accounts import tokens
from coursehub.accounts.emails import InvalidEmail, normalize_email
from coursehub.accounts.models import Role, User
from coursehub.accounts.passwords import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    hash_password,
    needs_rehash,
    verify_password,
)
from coursehub.accounts.sessions import end_all_sessions
from coursehub.core.audit import record_audit
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.core.requests import safe_next
from coursehub.mail.services import queue_mail

# Embeddings, overrides, isolates and marks: each can make a printed name read differently.
BIDI_CONTROLS = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters and symbols that print as nothing.
BLANK_LETTERS = set("\u115f\u1160\u3164\uffa0\u2800")


class AccountError(Exception):
    """Something the person asked for can't be done; the message tells them why.

    ``field`` names the form field the message belongs beside.
    """

    def __init__(self, message: str, field: str = "email"):
        super().__init__(message)
        self.message = message
        self.field = field


def find_user_by_email(email: str) -> User | None:
    try:
        normalized = normalize_email(email)
    except InvalidEmail:
        return None
    return db.session.scalar(select(User).where(User.email == normalized))


def check_password_rules(password: str, email: str = "") -> None:
    """:raise AccountError: when the password is too short, too long, or just the email."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"Choose a password of at least {MIN_PASSWORD_LENGTH} characters.", "password")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise AccountError(f"Choose a password of at most {MAX_PASSWORD_LENGTH} characters.", "password")
    if email and password.strip().lower() in {email.lower(), email.split("@")[0].lower()}:
        raise AccountError("Choose a password that is not your email address.", field="password")


def check_display_name(raw: str) -> str:
    """The name printed on certificates, stripped.

    :raise AccountError: for control characters, bidi overrides (they reorder the printed text) or a name
        that is blank once invisible characters are removed.
    """
    name = unicodedata.normalize("NFC", raw or "").strip()
    if any(unicodedata.category(character) in {"Cc", "Cs", "Zl", "Zp"} for character in name):
        raise AccountError("Your name can't contain control characters.", field="display_name")
    if any(character in BIDI_CONTROLS for character in name):
        raise AccountError("Your name can't contain text-direction characters.", field="display_name")
    if not any(_visible(character) for character in name):
        raise AccountError("Enter the name to show on your certificates.", field="display_name")
    return name


def _visible(character: str) -> bool:
    return unicodedata.category(character) not in {"Cf", "Zs", "Mn", "Me"} and character not in BLANK_LETTERS


def create_user(
    email: str, display_name: str, password: str, role: Role = Role.LEARNER, verified: bool = False
) -> User:
    """Create an account, without mail; the CLI and ``sign_up`` build on it.

    :raise AccountError: for a bad email or password, or an email already in use.
    """
    try:
        normalized = normalize_email(email)
    except InvalidEmail as error:
        raise AccountError(f"That email address is not valid: {error}") from None
    check_password_rules(password, normalized)
    display_name = check_display_name(display_name)
    if db.session.scalar(select(User.id).where(User.email == normalized)) is not None:
        raise AccountError("An account with that email already exists.")
    user = User(
        email=normalized,
        display_name=display_name[:80],
        role=role,
        password_hash=hash_password(password),
        email_verified_at=utcnow() if verified else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def sign_up(email: str, display_name: str, password: str, next_path: str | None = None) -> User | None:
    """Register a learner and mail them a verification link.

    When the email already has an account, nothing is created and its owner gets a note instead, so the
    page answers the same either way and does not reveal who has an account.

    :param next_path: a local path (already checked with ``safe_next``) the verification link leads back
        to, so a learner who signed up from a course page returns to it.
    :return: the new user, or None when the email was taken.
    :raise AccountError: for an invalid email or a weak password.
    """
    try:
        normalized = normalize_email(email)
    except InvalidEmail as error:
        raise AccountError(f"That email address is not valid: {error}") from None
    check_password_rules(password, normalized)
    check_display_name(display_name)
    existing = db.session.scalar(select(User).where(User.email == normalized))
    if existing is not None:
        hash_password(password)  # the work a new account costs, so the answer's timing tells nothing
        queue_mail(existing.email, "You already have a CourseHub account", "account_exists", user=existing)
        return None
    user = create_user(normalized, display_name, password)
    send_verification(user, next_path=next_path)
    return user


def send_verification(user: User, email: str | None = None, next_path: str | None = None) -> None:
    """Mail a link that confirms ``email`` (the account's own address, or a pending new one)."""
    address = email or user.email
    payload = {"uid": user.id, "email": address, **({"next": next_path} if next_path else {})}
    token = tokens.issue(tokens.VERIFY_EMAIL, payload, current_app.config["VERIFY_EMAIL_MAX_AGE"])
    queue_mail(
        address,
        "Confirm your email for CourseHub",
        "verify_email",
        user=user,
        token=token,
        changing=address != user.email,
    )


def next_after_verification(token: str) -> str | None:
    """Where the learner was going when they signed up (a local path, checked again), if anywhere."""
    try:
        target = tokens.read(tokens.VERIFY_EMAIL, token).get("next")
    except tokens.InvalidToken:
        return None
    return safe_next(target) if isinstance(target, str) else None


def verify_email(token: str, now: float | None = None) -> User:
    """Confirm the address a link was sent to; confirming twice is harmless.

    :raise tokens.InvalidToken: for a damaged link, or one for an address the account no longer uses.
    """
    payload = tokens.read(tokens.VERIFY_EMAIL, token, now=now)
    user = db.session.get(User, payload.get("uid"))
    email = payload.get("email")
    if user is None:
        raise tokens.InvalidToken(tokens.VERIFY_EMAIL)
    if email == user.email:
        if user.email_verified_at is None:
            user.email_verified_at = utcnow()
    elif email == user.pending_email:
        if db.session.scalar(select(User.id).where(User.email == email)) is not None:
            user.pending_email = None
            raise AccountError("That email address now belongs to another account.")
        old_address = user.email
        user.email, user.pending_email, user.email_verified_at = email, None, utcnow()
        queue_mail(
            old_address, "Your CourseHub email was changed", "email_changed", user=user, new_email=email
        )
    else:
        raise tokens.InvalidToken(tokens.VERIFY_EMAIL)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the user when the password matches; the time taken is the same for unknown emails.

    ``user.first_login`` tells the page to greet a first log-in as one.

    The password is checked between two reads rather than inside one. On SQLite every transaction holds
    the database's one write lock (``BEGIN IMMEDIATE``, see ``core/database.py``) and argon2 spends about
    200 ms of CPU on purpose, so a class logging in at once used to queue every other request of the
    school behind the hashes, past the busy timeout (503s in ``make load``). When the log-in is the
    request's first use of the session, that first read is ended before hashing (it wrote nothing); the
    second read refuses the log-in if the password changed meanwhile.

    :raise AccountError: the password matched but an admin disabled the account (said only to someone
        who knows the password, so it reveals nothing to a guesser).
    """
    first_use = not db.session().in_transaction()
    user = find_user_by_email(email)
    password_hash = user.password_hash if user else None
    if first_use:
        db.session.rollback()
    if not verify_password(password_hash, password) or user is None:
        return None
    user = find_user_by_email(email)
    if user is None or user.password_hash != password_hash:
        return None
    if user.is_disabled:
        raise AccountError("This account has been disabled. Write to the school to ask why.", "password")
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.first_login = user.last_login_at is None
    user.last_login_at = utcnow()
    db.session.flush()
    return user


def request_password_reset(email: str) -> None:
    """Mail a reset link when the account exists; do nothing visible otherwise."""
    user = find_user_by_email(email)
    if user is None:
        return
    token = tokens.issue(
        tokens.RESET_PASSWORD,
        {"uid": user.id, "fp": tokens.fingerprint(user.password_hash)},
        current_app.config["RESET_PASSWORD_MAX_AGE"],
    )
    queue_mail(user.email, "Reset your CourseHub password", "reset_password", user=user, token=token)


def user_for_reset_token(token: str, now: float | None = None) -> User:
    """:raise tokens.InvalidToken: tampered, expired, or already used (the password has changed since)."""
    payload = tokens.read(tokens.RESET_PASSWORD, token, now=now)
    user = db.session.get(User, payload.get("uid"))
    if user is None or payload.get("fp") != tokens.fingerprint(user.password_hash):
        raise tokens.InvalidToken(tokens.RESET_PASSWORD)
    return user


def reset_password(token: str, new_password: str, now: float | None = None) -> User:
    user = user_for_reset_token(token, now=now)
    _set_password(user, new_password)
    # Following the link proved the person reads this inbox.
    if user.email_verified_at is None:
        user.email_verified_at = utcnow()
    queue_mail(user.email, "Your CourseHub password was changed", "password_changed", user=user)
    db.session.flush()
    return user


def change_password(user: User, current_password: str, new_password: str) -> None:
    if not verify_password(user.password_hash, current_password):
        raise AccountError("Your current password is not right.", field="current_password")
    _set_password(user, new_password)
    queue_mail(user.email, "Your CourseHub password was changed", "password_changed", user=user)
    db.session.flush()


def _set_password(user: User, new_password: str) -> None:
    """A new password ends every session: whoever knew the old one is logged out everywhere."""
    check_password_rules(new_password, user.email)
    user.password_hash = hash_password(new_password)
    end_all_sessions(user)


def request_email_change(user: User, password: str, new_email: str) -> str:
    """Send a confirmation link to the new address; the account keeps its email until it is followed.

    :return: the normalised new address.
    :raise AccountError: wrong password, invalid address, or the same address as now.
    """
    if not verify_password(user.password_hash, password):
        raise AccountError("Your password is not right.", field="password")
    try:
        normalized = normalize_email(new_email)
    except InvalidEmail as error:
        raise AccountError(f"That email address is not valid: {error}") from None
    if normalized == user.email:
        raise AccountError("That is already your email address.")
    # A taken address gets no link, but the answer is the same, so no one learns who has an account.
    if db.session.scalar(select(User.id).where(User.email == normalized)) is None:
        user.pending_email = normalized
        send_verification(user, normalized)
    db.session.flush()
    return normalized


def change_display_name(user: User, display_name: str) -> None:
    """The name shown in the header and printed on certificates issued from now on.

    :raise AccountError: for a blank name (the form already limits its length, as at sign-up).
    """
    user.display_name = check_display_name(display_name)[:80]
    db.session.flush()


def set_role(user: User, role: Role, actor: str, reason: str = "") -> None:
    """Change the account's role; the change (old and new role) goes into the audit log."""
    if user.role is role:
        return
    record_audit(actor, "user.role", ("user", user.id), reason, {"from": user.role.value, "to": role.value})
    user.role = role
    db.session.flush()


def disable_account(user: User, actor: str, reason: str) -> None:
    """Shut the account: it can't log in, and every session it has ends now.

    :raise AccountError: without a reason (it goes into the audit log), or for an admin's own account.
    """
    if not reason.strip():
        raise AccountError("Give a reason for disabling the account; it goes into the audit log.", "reason")
    if actor == user.email:
        raise AccountError("You can't disable your own account.", "reason")
    if user.is_disabled:
        return
    user.disabled_at = utcnow()
    end_all_sessions(user)
    record_audit(actor, "user.disable", ("user", user.id), reason)
    db.session.flush()


def enable_account(user: User, actor: str, reason: str) -> None:
    """:raise AccountError: without a reason."""
    if not reason.strip():
        raise AccountError("Give a reason for enabling the account; it goes into the audit log.", "reason")
    if not user.is_disabled:
        return
    user.disabled_at = None
    record_audit(actor, "user.enable", ("user", user.id), reason)
    db.session.flush()
