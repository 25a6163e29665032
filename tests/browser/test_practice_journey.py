"""A learner passes the safety check, builds a routine, practises with the script, scores pain before and
after, and sees the before/after chart appear; on a desktop and on a 390-pixel phone."""

import os
import re
import uuid
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from coursehub.accounts.services import create_user
from coursehub.core.extensions import db
from tests.browser.polling import wait_until

pytestmark = pytest.mark.browser
EXERCISE = "Single knee-to-chest (gluteal and lower back stretch)"
LESSON = "Knee-to-chest and bent-knee hamstring stretches"
COURSE = "Introduction to Active Isolated Stretching"
# Set PRACTICE_SCREENSHOTS to a folder to keep the screenshots for a look at the layout.
SHOTS = os.environ.get("PRACTICE_SCREENSHOTS")


@pytest.fixture
def learner(live_server):
    email = f"practice-{uuid.uuid4().hex[:8]}@example.com"
    with live_server.app_context():
        create_user(email, "Maya", "a long enough password", verified=True)
        db.session.commit()
    return email


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("a long enough password")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(re.compile(r"Welcome (back|to CourseHub), Maya\."))).to_be_visible()


def look(page: Page, name: str, width: int) -> None:
    """The page fits the screen's width; with PRACTICE_SCREENSHOTS set, keep a screenshot of it."""
    overflow = page.evaluate("() => document.documentElement.scrollWidth")
    assert overflow <= width, f"{name} is {overflow} px wide on a {width} px screen"
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)


def charts_drawn(page: Page) -> int:
    """How many chart images loaded and drew (a blocked or broken SVG has no natural width)."""
    return page.evaluate(
        "() => [...document.querySelectorAll('figure.chart img')]"
        ".filter(i => i.complete && i.naturalWidth > 0).length"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_a_learner_practises_and_sees_the_change_in_the_chart(page: Page, learner, width):
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, learner)

    page.goto("/practice/progress")
    expect(page.get_by_text("No sessions yet.")).to_be_visible()
    assert charts_drawn(page) == 0

    page.goto("/practice/routine")
    page.get_by_role("button", name=f"Add {EXERCISE} from {LESSON}").click()
    routine = page.locator(".routine-item", has_text=EXERCISE)
    routine.get_by_label("Repetitions").fill("2")
    routine.get_by_role("button", name="Set").click()
    expect(page.locator(".routine-item", has_text=EXERCISE).get_by_label("Repetitions")).to_have_value("2")
    look(page, "routine", width)

    page.goto("/practice/")
    page.get_by_role("link", name=f"Safety check for {COURSE}").click()
    for question in page.locator("fieldset.question").all():
        question.get_by_label("No").check()
    page.get_by_label("I have read the disclaimer and agree").check()
    look(page, "screening", width)
    page.get_by_role("button", name="Send my answers").click()
    expect(page.get_by_text(f"Practice for {COURSE} is open.")).to_be_visible()

    page.goto("/practice/")
    page.get_by_label("Pain now, from 0 to 10 (optional)").fill("6")
    page.get_by_role("button", name="Start practice").click()

    player = page.locator("#practice-player")
    expect(player.locator(".step-name")).to_have_text(EXERCISE)
    expect(player.locator(".step-side")).to_have_text("Left side")
    look(page, "practice", width)
    player.get_by_role("button", name="Done one").click()
    expect(player.locator(".step-timer")).to_have_text("Hold: 2 s")  # the exercise's own hold
    player.get_by_role("button", name="Done one").click()
    expect(player.locator(".step-side")).to_have_text("Right side")
    player.get_by_role("button", name="Done one").click()
    player.get_by_role("button", name="Done one").click()
    expect(player.locator(".step-name")).to_have_text("All exercises done")
    page.get_by_role("button", name="Finish session").click()

    expect(page.get_by_role("heading", name="Well done: session finished")).to_be_visible()
    expect(page.locator("table tbody tr").first).to_contain_text("2")
    page.get_by_label("Pain now, from 0 to 10 (optional)").fill("3")
    page.get_by_role("button", name="Save pain after practice").click()

    expect(page.get_by_role("heading", name="Your progress", level=1)).to_be_visible()
    expect(page.locator(".change-table tbody tr").first).to_contain_text("-3")
    expect(page.locator(".balance-table")).to_contain_text("Left")
    wait_until(page, "() => [...document.images].every(i => i.complete)")
    assert charts_drawn(page) == 3  # pain over time, before and after, left and right
    look(page, "progress", width)
