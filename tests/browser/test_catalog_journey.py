"""A visitor browses the catalog and watches a free preview, in Debian's chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.polling import wait_until

pytestmark = pytest.mark.browser


def test_a_visitor_opens_a_course_and_plays_a_free_preview(page: Page):
    page.goto("/")
    page.get_by_role("link", name="Stretching Blueprint for Pain Relief & Better Flexibility").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Stretching Blueprint for Pain Relief & Better Flexibility"
    )
    expect(page.locator(".disclaimer-note").get_by_role("link", name="medical disclaimer")).to_be_visible()
    footer = page.get_by_role("contentinfo")
    expect(footer.get_by_role("link", name="Read the medical disclaimer")).to_be_visible()

    page.get_by_role("link", name="Welcome to Active Isolated Stretching").click()
    video = page.locator("video#lesson-video")
    expect(video).to_be_visible()
    video.evaluate("v => { v.muted = true; return v.play(); }")
    wait_until(page, "() => document.querySelector('#lesson-video').currentTime > 0.5")

    # Seeking asks the server for a byte range; the player lands where it was sent and keeps playing.
    video.evaluate("v => { v.currentTime = 120; }")
    wait_until(
        page,
        "() => { const v = document.querySelector('#lesson-video');"
        " return v.currentTime > 120.5 && v.currentTime < 130 && !v.paused; }",
    )


def test_a_visitor_who_opens_a_paid_lesson_gets_the_sign_up_offer(page: Page):
    response = page.goto("/courses/stretching-blueprint/lessons/equipment-and-setup")
    assert response.status == 403
    # The price is shown before sign-up, and the sign-up link brings the visitor back to the course.
    offer = page.get_by_role("link", name=re.compile(r"^Sign up to buy for \$\d+"))
    expect(offer).to_be_visible()
    assert offer.get_attribute("href") == "/signup?next=/courses/stretching-blueprint"
    expect(page.locator("video")).to_have_count(0)
