"""Telling a course's learners that a new module is live, through the outbox.

Only learners who can open the course (free, or an active entitlement), whose address is verified and
who have not turned course news off; each message carries its own one-click unsubscribe link.
Accounts cannot be disabled yet (User has no such field); when they can, they are to be left out here.
"""

from __future__ import annotations

from sqlalchemy import exists, select

from coursehub.accounts.mail_preferences import course_news_opted_out, news_headers, unsubscribe_url
from coursehub.accounts.models import User
from coursehub.content.models import Module
from coursehub.core.extensions import db
from coursehub.core.templating import external_url
from coursehub.learning.models import Enrollment, Entitlement, EntitlementStatus
from coursehub.mail.services import queue_mail


def announcement_recipients(module: Module) -> list[User]:
    course = module.course
    query = (
        select(User)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(
            Enrollment.course_id == course.id,
            User.email_verified_at.is_not(None),
            User.id.not_in(course_news_opted_out()),
        )
        .order_by(User.id)
    )
    if not course.is_free:
        query = query.where(
            exists().where(
                Entitlement.user_id == User.id,
                Entitlement.course_id == course.id,
                Entitlement.status == EntitlementStatus.ACTIVE,
            )
        )
    return list(db.session.scalars(query))


def announce_module(actor, module: Module) -> int:
    """Queue a "new module" mail to each recipient. :return: how many were queued."""
    lessons = [lesson for lesson in module.lessons if lesson.archived_at is None]
    if lessons:
        url = external_url("learning.lesson", course_slug=module.course.slug, lesson_slug=lessons[0].slug)
    else:
        url = external_url("catalog.course", slug=module.course.slug)
    recipients = announcement_recipients(module)
    for user in recipients:
        queue_mail(
            user.email,
            f"New in {module.course.title}: {module.title}",
            "new_module",
            headers=news_headers(user),
            user=user,
            module=module,
            course=module.course,
            lesson_url=url,
            unsubscribe_url=unsubscribe_url(user),
            preferences_url=external_url("accounts.mail_preferences"),
        )
    return len(recipients)
