"""What the course page offers each visitor: exactly one call to action."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, url_for

from coursehub.catalog.models import Course, Lesson
from coursehub.learning.access import can_open_course


@dataclass(frozen=True)
class CallToAction:
    kind: str  # signup | start | continue | buy
    label: str
    url: str | None  # None: shown, but not yet possible (no checkout configured)
    method: str = "get"


def format_price(cents: int, currency: str) -> str:
    symbols = {"usd": "$", "eur": "€", "gbp": "£"}
    amount = f"{cents // 100}" if cents % 100 == 0 else f"{cents // 100}.{cents % 100:02d}"
    symbol = symbols.get(currency.lower())
    return f"{symbol}{amount}" if symbol else f"{amount} {currency.upper()}"


def call_to_action(user, course: Course, first_lesson: Lesson | None) -> CallToAction:
    course_url = url_for("catalog.course", slug=course.slug)
    if not user.is_authenticated:
        label = "Sign up free to start" if course.is_free else "Sign up to buy this course"
        return CallToAction("signup", label, url_for("accounts.signup"))
    first_url = (url_for("learning.lesson", course_slug=course.slug, lesson_slug=first_lesson.slug)
                 if first_lesson else course_url)
    if can_open_course(user, course):
        if course.is_free:
            return CallToAction("start", "Start the free course", first_url)
        return CallToAction("continue", "Continue the course", first_url)
    checkout = ("billing.checkout" in current_app.view_functions
                and url_for("billing.checkout", slug=course.slug))
    return CallToAction("buy", f"Buy for {format_price(course.price_cents, course.currency)}",
                        checkout or None, method="post")
