"""A learner takes a module quiz, fails, reads the explanations, retakes it and passes."""

import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from coursehub.accounts.services import create_user
from coursehub.content.models import Course
from coursehub.core.extensions import db
from coursehub.learning.enrollment import start_free_course
from tests.browser.quiz_answers import answer_every_question, answer_key

pytestmark = pytest.mark.browser
COURSE_SLUG = "introduction-to-active-isolated-stretching"


@pytest.fixture
def learner(live_server):
    email = f"quiz-{uuid.uuid4().hex[:8]}@example.com"
    with live_server.app_context():
        user = create_user(email, "Sam", "a long enough password", verified=True)
        start_free_course(user, db.session.scalars(select(Course).filter_by(slug=COURSE_SLUG)).one())
        db.session.commit()
    return email


def test_fail_read_the_explanations_retake_and_pass(page: Page, live_server, learner):
    key = answer_key(live_server, COURSE_SLUG)
    page.goto("/login")
    page.get_by_label("Email").fill(learner)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/courses/{COURSE_SLUG}")
    before = page.locator(".course-progress").inner_text()
    page.locator(".quiz-status a").first.click()
    page.get_by_role("button", name="Start an attempt").click()
    answer_every_question(page, key, right=False)
    page.get_by_role("button", name="Submit my answers").click()

    expect(page.get_by_text("Not passed yet")).to_be_visible()
    expect(page.locator("article.feedback.wrong").first).to_be_visible()
    result_url = page.url
    lesson_link = page.locator("a.lesson-link[href*='?t=']").first
    href = lesson_link.get_attribute("href")
    assert href.startswith(f"/courses/{COURSE_SLUG}/lessons/")
    lesson_link.click()  # the lesson that teaches it, starting where it is taught
    expect(page.locator("#lesson-video")).to_have_attribute("data-resume", href.split("?t=")[1])

    page.goto(result_url)
    page.get_by_role("link", name="Back to the quiz").click()
    page.get_by_role("button", name="Start an attempt").click()
    answer_every_question(page, key, right=True)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("You passed")).to_be_visible()

    page.goto(f"/courses/{COURSE_SLUG}")
    expect(page.locator(".quiz-status").first).to_contain_text("Quiz passed")
    assert page.locator(".course-progress").inner_text() != before
