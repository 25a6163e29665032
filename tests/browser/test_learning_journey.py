"""A learner starts the free course, watches part of a lesson, leaves, comes back and resumes there."""

import uuid

import pytest
from playwright.sync_api import Page, expect

from coursehub.accounts.services import create_user
from coursehub.core.extensions import db
from tests.browser.polling import wait_until

pytestmark = pytest.mark.browser
COURSE = "/courses/introduction-to-active-isolated-stretching"
CURRENT_TIME = "() => document.querySelector('#lesson-video').currentTime"


@pytest.fixture
def learner(live_server):
    email = f"learner-{uuid.uuid4().hex[:8]}@example.com"
    with live_server.app_context():
        create_user(email, "Maya", "a long enough password", verified=True)
        db.session.commit()
    return email


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome to CourseHub, Maya.")).to_be_visible()


def test_resume_where_the_learner_left_and_mark_complete(page: Page, learner):
    log_in(page, learner)
    page.goto(COURSE)
    page.get_by_role("button", name="Start the free course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("What Active Isolated Stretching is")

    video = page.locator("#lesson-video")
    video.evaluate("v => { v.muted = true; v.currentTime = 95; return v.play(); }")
    wait_until(page, "() => document.querySelector('#lesson-video').currentTime > 97")
    video.evaluate("v => v.pause()")  # the pause report carries the position
    stopped_at = page.evaluate(CURRENT_TIME)
    page.wait_for_timeout(500)

    page.goto("/dashboard")
    expect(page.get_by_text("Continue where you left off")).to_be_visible()
    page.get_by_role("link", name="What Active Isolated Stretching is").click()
    wait_until(
        page,
        "() => document.querySelector('#lesson-video').readyState >= 1"
        " && document.querySelector('#lesson-video').currentTime > 1",
    )
    resumed_at = page.evaluate(CURRENT_TIME)
    assert abs(resumed_at - stopped_at) <= 15, (stopped_at, resumed_at)

    page.get_by_role("button", name="Mark complete").click()
    expect(page.get_by_text("Marked complete.")).to_be_visible()
    page.goto(COURSE)
    # 1 of 9 steps: 7 lessons and 2 module quizzes
    expect(page.locator(".course-progress")).to_contain_text("11% complete")
    expect(page.locator("li.done")).to_have_count(1)
