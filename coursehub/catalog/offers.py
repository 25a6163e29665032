"""What the course page offers each visitor: exactly one call to action."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for

from coursehub.billing.money import format_price
from coursehub.billing.stripe_client import payments_enabled
from coursehub.content.models import Course, Lesson, Module
from coursehub.learning.access import CourseAccess
from coursehub.learning.path import LESSON, CoursePath


@dataclass(frozen=True)
class CallToAction:
    kind: str  # signup | start | continue | buy
    label: str
    url: str | None  # None: shown, but not possible here (payments are not configured)
    method: str = "get"


@dataclass(frozen=True)
class CourseFacts:
    """What a course includes, for everyone deciding whether to take it."""

    modules: int
    lessons: int
    video_seconds: int
    quizzes: int


def course_facts(modules: list[Module]) -> CourseFacts:
    lessons = [lesson for module in modules for lesson in module.lessons]
    quizzes = [module for module in modules if module.quiz is not None and module.quiz.archived_at is None]
    return CourseFacts(
        len(modules), len(lessons), sum(lesson.duration_seconds for lesson in lessons), len(quizzes)
    )


def _lesson_url(course: Course, lesson: Lesson) -> str:
    return url_for("learning.lesson", course_slug=course.slug, lesson_slug=lesson.slug)


def _continue(last_id: int, last_url: str, path: CoursePath | None) -> CallToAction:
    """Back to the last lesson opened, or, once it is done, on to the first unfinished item after it."""
    if path is None or not any(
        item.kind == LESSON and item.item_id == last_id and item.done for item in path.items
    ):
        return CallToAction("continue", "Continue where you left off", last_url)
    following = path.next_unfinished(LESSON, last_id)
    if following is None:
        return CallToAction("continue", "You finished: see your certificate", path.finish_url())
    return CallToAction("continue", "Continue where you left off", following.url)


def call_to_action(
    user,
    course: Course,
    first_lesson: Lesson | None,
    access: CourseAccess | None = None,
    path: CoursePath | None = None,
) -> CallToAction:
    """:param path: the learner's path, when the page has it: "continue" then skips finished lessons."""
    access = access or CourseAccess(user, course)
    if not user.is_authenticated:
        course_page = url_for("catalog.course", slug=course.slug)
        if course.is_free:
            return CallToAction(
                "signup", "Sign up free to start", url_for("accounts.signup", next=course_page)
            )
        price = format_price(course.price_cents, course.currency)
        return CallToAction(
            "signup", f"Sign up to buy for {price}", url_for("accounts.signup", next=course_page)
        )
    if access.opens_course:
        enrollment = access.enrollment
        last_id = enrollment.last_lesson_id if enrollment is not None else None
        on_path = path.index_of(LESSON, last_id) if path is not None and last_id is not None else None
        if on_path is not None:  # the path knows the lesson and its address: no row to load
            return _continue(last_id, path.items[on_path].url, path)
        last = enrollment.last_lesson if last_id is not None else None
        if last is not None and last.archived_at is None:
            return _continue(last.id, _lesson_url(course, last), path)
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
