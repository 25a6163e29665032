"""The whole path in a browser: a video watched to its end completes its lesson, a module's last lesson
leads to its quiz, the quiz leads on, and the final quiz leads to the finish page and a certificate PDF."""

import io
import re
import uuid

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader
from sqlalchemy import select

from coursehub.accounts.models import User
from coursehub.accounts.services import create_user
from coursehub.content.models import Course, Lesson
from coursehub.core.extensions import db
from coursehub.learning.enrollment import start_free_course
from coursehub.learning.models import LessonProgress
from coursehub.learning.progress import set_completed
from tests.browser.polling import wait_until
from tests.browser.quiz_answers import answer_every_question, answer_key

pytestmark = pytest.mark.browser
SLUG = "introduction-to-active-isolated-stretching"
COURSE = f"/courses/{SLUG}"
PASSWORD = "a long enough password"


@pytest.fixture
def learner(live_server) -> tuple[int, str]:
    email = f"path-{uuid.uuid4().hex[:8]}@example.com"
    with live_server.app_context():
        user = create_user(email, "Noor Al-Sayed", PASSWORD, verified=True)
        start_free_course(user, db.session.scalars(select(Course).filter_by(slug=SLUG)).one())
        db.session.commit()
        return user.id, email


def log_in(page: Page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text("Noor Al-Sayed.")).to_be_visible()


def complete_lessons_except(live_server, user_id: int, *left: str) -> None:
    with live_server.app_context():
        user = db.session.get(User, user_id)
        for lesson in db.session.scalars(select(Lesson).join(Course).where(Course.slug == SLUG)):
            if lesson.slug not in left:
                set_completed(user, lesson, True)
        db.session.commit()


def test_a_video_played_to_its_end_marks_the_lesson_complete(page: Page, live_server, learner):
    user_id, email = learner
    log_in(page, email)
    page.goto(f"{COURSE}/lessons/what-active-isolated-stretching-is")
    page.locator("#lesson-video").evaluate("v => { v.muted = true; v.playbackRate = 16; return v.play(); }")
    expect(page.locator("#progress-status")).to_contain_text("Lesson complete", timeout=90_000)
    expect(page.get_by_role("button", name="Mark as not complete")).to_be_visible()
    with live_server.app_context():
        row = db.session.scalars(select(LessonProgress).where(LessonProgress.user_id == user_id)).one()
        assert row.completed_at is not None and row.furthest_seconds >= 0.9 * 450


def test_the_path_leads_through_each_quiz_to_the_finish_page_and_the_certificate(
    page: Page, live_server, learner
):
    user_id, email = learner
    first_quiz, second_quiz = answer_key(live_server, SLUG, 1), answer_key(live_server, SLUG, 2)
    complete_lessons_except(
        live_server,
        user_id,
        "breathing-repetitions-and-the-gentle-assist",
        "putting-it-together-and-where-next",
    )
    log_in(page, email)

    page.goto(f"{COURSE}/lessons/breathing-repetitions-and-the-gentle-assist")
    page.get_by_role("button", name="Mark complete").click()
    page.get_by_role("link", name=re.compile(r"^Next: quiz, Check your understanding")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your understanding: what Active Isolated Stretching is"
    )
    page.get_by_role("button", name="Start an attempt").click()
    answer_every_question(page, first_quiz, right=True)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("You passed")).to_be_visible()

    page.locator("a[rel=next]").click()  # on to the first unfinished item: module 2's last lesson
    expect(page.get_by_role("heading", level=1)).to_contain_text("Putting it together")
    where_next = page.get_by_role("region", name="Where to go next")
    expect(
        where_next.get_by_role("link", name="Stretching Blueprint for Pain Relief & Better Flexibility")
    ).to_be_visible()
    expect(where_next).to_contain_text("$69")
    page.get_by_role("button", name="Mark complete").click()
    page.get_by_role("link", name=re.compile(r"^Next: quiz, ")).click()
    page.get_by_role("button", name="Start an attempt").click()
    answer_every_question(page, second_quiz, right=True)
    page.get_by_role("button", name="Submit my answers").click()
    expect(page.get_by_text("You passed")).to_be_visible()

    page.get_by_role("link", name="Next: finish the course →").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Congratulations, Noor Al-Sayed")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download your certificate (PDF)").click()
    with open(download.value.path(), "rb") as pdf:
        text = PdfReader(io.BytesIO(pdf.read())).pages[0].extract_text()
    assert "Noor Al-Sayed" in text and "Introduction to Active Isolated Stretching" in text

    page.goto("/dashboard")
    expect(page.locator(".percent")).to_have_text("100%")
    expect(page.get_by_role("link", name="You finished: see your certificate")).to_be_visible()


def test_the_player_answers_the_keyboard_speed_captions_and_transcript(page: Page, learner):
    _user_id, email = learner
    log_in(page, email)
    page.goto(f"{COURSE}/lessons/what-active-isolated-stretching-is")
    video = page.locator("#lesson-video")
    wait_until(page, "() => document.querySelector('#lesson-video').readyState >= 1")

    page.get_by_role("button", name="Forward 10 s").focus()
    page.keyboard.press("Tab")  # the controls are reachable by keyboard, in order
    expect(page.get_by_label("Speed")).to_be_focused()
    page.get_by_label("Speed").select_option("1.5")
    assert video.evaluate("v => v.playbackRate") == 1.5
    video.focus()
    page.keyboard.press(">")
    assert video.evaluate("v => v.playbackRate") == 1.75
    page.keyboard.press("l")
    wait_until(page, "() => document.querySelector('#lesson-video').currentTime >= 9.5")

    captions = page.get_by_role("button", name="Captions")
    captions.click()
    expect(captions).to_have_attribute("aria-pressed", "false")
    assert video.evaluate("v => v.textTracks[0].mode") == "hidden"

    page.get_by_text("Transcript").click()
    page.get_by_role("link", name="0:20").click()
    wait_until(page, "() => Math.round(document.querySelector('#lesson-video').currentTime) === 20")
