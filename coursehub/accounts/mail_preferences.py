"""What mail a learner wants beyond the mail about their own account, and the one-click way out.

Account mail (verification, receipts, resets) always goes out; news about courses (a new module) only
to those who have not turned it off. The unsubscribe link carries a signed token naming the user, so it
works from the mail without logging in, and only for that user.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, select
from sqlalchemy.orm import Mapped, mapped_column

from coursehub.accounts import tokens
from coursehub.accounts.models import User
from coursehub.core.db_types import UTCDateTime, utcnow
from coursehub.core.extensions import db
from coursehub.core.templating import external_url

UNSUBSCRIBE = "unsubscribe"
# An unsubscribe link must keep working long after the mail was sent.
UNSUBSCRIBE_MAX_AGE = 5 * 365 * 24 * 3600


class MailPreference(db.Model):
    """A learner's choices; no row means the defaults (course news on)."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    course_news: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


def wants_course_news(user: User) -> bool:
    preference = db.session.get(MailPreference, user.id)
    return preference is None or preference.course_news


def course_news_opted_out():
    """A subquery of the user ids who turned course news off, for recipient queries."""
    return select(MailPreference.user_id).where(MailPreference.course_news.is_(False))


def set_course_news(user: User, wanted: bool) -> None:
    preference = db.session.get(MailPreference, user.id)
    if preference is None:
        preference = MailPreference(user_id=user.id)
        db.session.add(preference)
    preference.course_news = wanted
    db.session.flush()


def unsubscribe_token(user: User) -> str:
    return tokens.issue(UNSUBSCRIBE, {"u": user.id}, UNSUBSCRIBE_MAX_AGE)


def user_for_unsubscribe(token: str) -> User:
    """:raise tokens.InvalidToken: a damaged or foreign token, or one for an account that is gone."""
    payload = tokens.read(UNSUBSCRIBE, token)
    user = db.session.get(User, payload.get("u")) if isinstance(payload.get("u"), int) else None
    if user is None:
        raise tokens.InvalidToken(UNSUBSCRIBE)
    return user


def news_headers(user: User) -> dict[str, str]:
    """RFC 2369 and RFC 8058 headers, so mail programs offer their own one-click unsubscribe button."""
    url = external_url("accounts.unsubscribe", token=unsubscribe_token(user))
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def unsubscribe_url(user: User) -> str:
    return external_url("accounts.unsubscribe", token=unsubscribe_token(user))
