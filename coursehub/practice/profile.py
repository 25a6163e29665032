"""The learner's practice settings: time zone, practice days, outcome sharing, the calendar token.

Practice days and journal dates are the learner's local days: their chosen IANA time zone, or the
school's ``SCHOOL_TIMEZONE`` until they choose one. Times are stored in UTC.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.accounts.models import User
from coursehub.core.extensions import db
from coursehub.practice.errors import PracticeError
from coursehub.practice.models import PracticeProfile


def profile_of(user: User) -> PracticeProfile:
    """The learner's settings row, made (and flushed) the first time; two first requests at once both win."""
    profile = db.session.scalar(select(PracticeProfile).where(PracticeProfile.user_id == user.id))
    if profile is not None:
        return profile
    try:
        with db.session.begin_nested():
            profile = PracticeProfile(user_id=user.id, practice_days=0, outcomes_opt_in=False)
            db.session.add(profile)
    except IntegrityError:
        profile = db.session.scalar(select(PracticeProfile).where(PracticeProfile.user_id == user.id))
    return profile


def find_profile(user_id: int) -> PracticeProfile | None:
    return db.session.scalar(select(PracticeProfile).where(PracticeProfile.user_id == user_id))


def zone_name(profile: PracticeProfile | None) -> str:
    return (profile.time_zone if profile else None) or current_app.config["SCHOOL_TIMEZONE"]


def zone_of(profile: PracticeProfile | None) -> ZoneInfo:
    return ZoneInfo(zone_name(profile))


def local_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def valid_zone(name: str) -> bool:
    if name not in available_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def update_settings(user: User, time_zone: str, days: Iterable[int], opt_in: bool) -> PracticeProfile:
    """:raise PracticeError: for a time zone that is not an IANA name, or a day that is not 0..6."""
    if not valid_zone(time_zone):
        raise PracticeError("Choose a time zone from the list, such as Europe/London.")
    chosen = set(days)
    if not chosen <= set(range(7)):
        raise PracticeError("Practice days are the days of the week.")
    profile = profile_of(user)
    profile.time_zone = time_zone
    profile.practice_days = sum(1 << day for day in chosen)
    profile.outcomes_opt_in = opt_in
    db.session.flush()
    return profile


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_feed_token(user: User) -> str:
    """A fresh secret for the calendar feed; only its hash is kept, and the old URL stops working."""
    token = secrets.token_urlsafe(32)
    profile_of(user).feed_token_hash = hash_token(token)
    db.session.flush()
    return token


def revoke_feed(user: User) -> None:
    profile_of(user).feed_token_hash = None
    db.session.flush()


def profile_for_token(token: str) -> PracticeProfile | None:
    if not token or len(token) > 100:
        return None
    return db.session.scalar(
        select(PracticeProfile).where(PracticeProfile.feed_token_hash == hash_token(token))
    )
