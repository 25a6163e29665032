"""What the course page offers each visitor: exactly one call to action."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from coursehub.billing.money import format_price
from coursehub.billing.stripe_client import payments_enabled
from coursehub.content.models import Course, Lesson
from coursehub.learning.access import CourseAccess


@dataclass(frozen=True)
class CallToAction:
    kind: str  # signup | start | continue | buy
    label: str
    url: str | None  # None: shown, but not possible here (payments are not configured)
    method: str = "get"


def _lesson_url(course: Course, lesson: Lesson) -> str:
    return url_for("learning.lesson", course_slug=course.slug, lesson_slug=lesson.slug)


def call_to_action(
    user, course: Course, first_lesson: Lesson | None, access: CourseAccess | None = None
) -> CallToAction:
    access = access or CourseAccess(user, course)
    if not user.is_authenticated:
        label = "Sign up free to start" if course.is_free else "Sign up to buy this course"
        return CallToAction("signup", label, url_for("accounts.signup"))
    if access.opens_course:
        enrollment = access.enrollment
        last = enrollment.last_lesson if enrollment is not None else None
        if last is not None and last.archived_at is None:
            return CallToAction("continue", "Continue where you left off", _lesson_url(course, last))
        if course.is_free and enrollment is None:
            return CallToAction(
                "start", "Start the free course", url_for("learning.start", slug=course.slug), method="post"
            )
        return CallToAction(
            "continue", "Start the course", _lesson_url(course, first_lesson) if first_lesson else None
        )
    checkout = payments_enabled() and url_for("billing.checkout", slug=course.slug)
    return CallToAction(
        "buy", f"Buy for {format_price(course.price_cents, course.currency)}", checkout or None, method="post"
    )
