"""Buying in the browser: the course page, Stripe's (stand-in) pay page, the success page, the lesson."""

import re
import uuid

import pytest
from playwright.sync_api import Page, expect

from coursehub.accounts.services import create_user
from coursehub.core.extensions import db

pytestmark = pytest.mark.browser
COURSE = "/courses/healing-the-hidden-root-of-pain"
PAID_LESSON = f"{COURSE}/lessons/why-sitting-shortens-the-hip-flexors"


@pytest.fixture
def buyer(live_server, page: Page) -> str:
    email = f"buyer-{uuid.uuid4().hex[:8]}@example.com"
    with live_server.app_context():
        create_user(email, "Robin", "a long enough password", verified=True)
        db.session.commit()
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Welcome to CourseHub, Robin.")).to_be_visible()
    return email


def test_buy_pay_and_open_a_paid_lesson(page: Page, buyer):
    assert page.goto(PAID_LESSON).status == 403
    page.goto(COURSE)
    page.get_by_role("button", name="Buy for $59").click()
    expect(page.locator("#total")).to_contain_text("59")
    page.locator("#pay").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is yours")
    page.get_by_role("link", name="Open Healing the Hidden Root of Pain").click()
    response = page.goto(PAID_LESSON)
    assert response.status == 200
    expect(page.locator("#lesson-video")).to_be_visible()

    page.goto("/account")
    page.get_by_role("link", name="Your purchases and receipts").click()
    page.get_by_role("link", name=re.compile(r"^Receipt for order \d+")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Receipt")
    expect(page.locator(".receipt-lines")).to_contain_text("Healing the Hidden Root of Pain")
    expect(page.locator(".receipt-lines .total")).to_contain_text("$59")
    expect(page.locator(".receipt")).to_contain_text("ending in 4242")


def test_a_declined_card_and_a_cancel_leave_the_course_locked(page: Page, buyer):
    page.goto(COURSE)
    page.get_by_role("button", name="Buy for $59").click()
    page.locator("#decline").click()
    expect(page.locator("#error")).to_contain_text("declined")
    page.locator("#cancel").click()
    expect(page.get_by_text("Checkout was cancelled: you have not been charged.")).to_be_visible()
    expect(page.get_by_role("button", name="Buy for $59")).to_be_visible()
    assert page.goto(PAID_LESSON).status == 403


def test_the_bundle_opens_all_three_courses(page: Page, buyer):
    page.goto("/")
    page.get_by_role("button", name="Buy all three").click()
    page.locator("#pay").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("is yours")
    for course in (
        "postural-blueprint-pelvic-torsion",
        "stretching-blueprint",
        "healing-the-hidden-root-of-pain",
    ):
        page.goto(f"/courses/{course}")
        expect(page.locator(".offer")).to_have_attribute("data-offer", "continue")
