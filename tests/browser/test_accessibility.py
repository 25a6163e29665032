"""axe-core over every page of the journeys, at a desktop width and a 390-pixel phone, with screenshots.

axe runs in the page through Playwright's ``evaluate`` (a DevTools call, which the school's CSP does not
govern), so the pages are checked with their real CSP on. The screenshots land in
``reports/screens/<width>/`` (git-ignored) for a person to look at; no rule is excluded.
"""

import re
import uuid
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from coursehub.accounts.services import create_user
from coursehub.content.models import Course, Lesson
from coursehub.core.extensions import db
from coursehub.learning.certificates import certificate_of
from coursehub.learning.completion import finish_if_complete
from coursehub.learning.enrollment import start_free_course
from coursehub.learning.progress import set_completed
from coursehub.quizzes.models import QuizAttempt
from coursehub.quizzes.services import start_attempt, submit_attempt
from tests.quizzes.quiz_helpers import answers

pytestmark = pytest.mark.browser
WCAG_A_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
WIDTHS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
SCREENS = Path("reports/screens")  # pytest-playwright empties test-results/ when a run starts
FREE = "introduction-to-active-isolated-stretching"
PAID = "postural-blueprint-pelvic-torsion"
PASSWORD = "a long enough password"

VISITOR_PAGES = {
    "home": "/",
    "catalog": "/courses",
    "course-paid": f"/courses/{PAID}",
    "course-free": f"/courses/{FREE}",
    "lesson-preview": f"/courses/{PAID}/lessons/what-pelvic-torsion-means",
    "lesson-locked": f"/courses/{PAID}/lessons/the-sacroiliac-joints",
    "signup": f"/signup?next=/courses/{PAID}",
    "login": "/login",
    "forgot-password": "/forgot-password",
    "disclaimer": "/disclaimer",
    "not-found": "/no-such-page",
}


def _attempt(live_server, user, quiz, right: bool):
    attempt = start_attempt(user, quiz)
    attempt_id = attempt.id
    # Commit before the live server answers: on SQLite an open transaction here would hold the one
    # write lock the server's request needs.
    db.session.commit()
    given = answers(live_server, f"/attempts/{attempt_id}", right=right)
    attempt = db.session.get(QuizAttempt, attempt_id)
    submit_attempt(attempt, MultiDict(given))
    db.session.commit()
    return attempt


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def buy_paid_course(browser, base_url: str, email: str) -> tuple[str, str]:
    """Buy the paid course through the stand-in's pay page. :return: the success page and the receipt."""
    context = browser.new_context(base_url=base_url)
    page = context.new_page()
    log_in(page, email)
    page.goto(f"/courses/{PAID}")
    page.get_by_role("button", name=re.compile(r"^Buy for")).click()
    page.locator("#pay").click()
    page.get_by_role("link", name="view and print it here").wait_for()
    success = page.url.removeprefix(base_url)
    receipt = page.get_by_role("link", name="view and print it here").get_attribute("href")
    context.close()
    return success, receipt


@pytest.fixture(scope="module")
def learner_pages(live_server, browser, base_url) -> tuple[str, dict[str, str]]:
    """A learner who finished the free course (one failed attempt on the way), has a quiz open, and
    bought a paid course."""
    email = f"axe-{uuid.uuid4().hex[:8]}@example.com"
    with live_server.app_context():
        user = create_user(email, "Amara Okafor-Lindqvist", PASSWORD, verified=True)
        course = db.session.scalars(select(Course).filter_by(slug=FREE)).one()
        start_free_course(user, course)
        for lesson in db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)):
            set_completed(user, lesson, True)
        quizzes = [module.quiz for module in course.modules]
        db.session.commit()
        failed = _attempt(live_server, user, quizzes[0], right=False)
        for quiz in quizzes:
            _attempt(live_server, user, quiz, right=True)
        open_attempt = start_attempt(user, quizzes[1])
        finish_if_complete(user, course)
        db.session.commit()
        code = certificate_of(user, course).code
        quiz_urls = [f"/courses/{FREE}/modules/{quiz.module.slug}/quiz" for quiz in quizzes]
        pages = {
            "dashboard": "/dashboard",
            "lesson": f"/courses/{FREE}/lessons/reciprocal-inhibition-and-short-holds",
            "lesson-captions": f"/courses/{FREE}/lessons/what-active-isolated-stretching-is",
            "lesson-routine": f"/courses/{FREE}/lessons/knee-to-chest-and-bent-knee-hamstring",
            "lesson-last": f"/courses/{FREE}/lessons/putting-it-together-and-where-next",
            "quiz": quiz_urls[0],
            "quiz-attempt": f"{quiz_urls[1]}/attempts/{open_attempt.id}",
            "quiz-result-failed": f"{quiz_urls[0]}/attempts/{failed.id}",
            "finished": f"/courses/{FREE}/finished",
            "certificate": f"/certificates/{code}",
            "account": "/account",
            "change-password": "/account/password",
            "change-email": "/account/email",
            "change-name": "/account/name",
            "purchases": "/account/purchases",
        }
    pages["payment-success"], pages["receipt"] = buy_paid_course(browser, base_url, email)
    return email, pages


@pytest.fixture
def page(page: Page) -> Page:
    """No video for these checks: axe does not need it, and leaving a page mid-download, as this walk
    does every second, leaves the dev server's file open until garbage collection warns."""
    page.route("**/media/lessons/**", lambda route: route.abort())
    return page


def check(page: Page, name: str, path: str, width: str) -> list[str]:
    page.goto(path)
    SCREENS.joinpath(width).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / width / f"{name}.png"), full_page=True)
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_A_AA}})
    return [f"{width} {name} ({path}): {results.generate_report()}"] if results.violations_count else []


@pytest.mark.parametrize("width", WIDTHS)
def test_visitor_pages_have_no_wcag_a_or_aa_violation(page: Page, width):
    page.set_viewport_size(WIDTHS[width])
    problems = [p for name, path in VISITOR_PAGES.items() for p in check(page, name, path, width)]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_learner_pages_have_no_wcag_a_or_aa_violation(page: Page, width, learner_pages):
    email, pages = learner_pages
    page.set_viewport_size(WIDTHS[width])
    log_in(page, email)
    problems = [p for name, path in pages.items() for p in check(page, name, path, width)]
    assert not problems, "\n".join(problems)
