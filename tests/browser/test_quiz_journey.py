"""A learner takes a module quiz, fails, reads the explanations, retakes it and passes."""

import uuid

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from coursehub.accounts.services import create_user
from coursehub.content.models import Course, Module, Quiz, QuizQuestion
from coursehub.core.extensions import db
from coursehub.learning.enrollment import start_free_course

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


def answer_key(live_server) -> dict[str, object]:
    """The right answers by prompt, read from the database as the author wrote them."""
    with live_server.app_context():
        quiz = db.session.scalars(
            select(Quiz).join(Module).join(Course).where(Course.slug == COURSE_SLUG, Module.position == 1)
        ).one()
        return {
            q.prompt: (q.kind, q.answer, dict(q.options))
            for q in db.session.scalars(select(QuizQuestion).where(QuizQuestion.quiz_id == quiz.id))
        }


def answer_every_question(page: Page, key, right: bool) -> None:
    for fieldset in page.locator("fieldset.question").all():
        prompt = fieldset.locator("legend").inner_text().split(". ", 1)[1]
        kind, answer, texts = key[prompt]
        if kind == "ordering":
            order = answer if right else list(reversed(answer))
            for place, option_id in enumerate(order, start=1):
                fieldset.get_by_label(texts[option_id], exact=True).select_option(str(place))
        elif kind == "true_false":
            fieldset.get_by_label("True" if answer is right else "False", exact=True).check()
        elif kind == "multiple":
            for option_id, text in texts.items():
                if (option_id in answer) == right:
                    fieldset.get_by_label(text, exact=True).check()
        else:
            chosen = answer if right else next(o for o in texts if o != answer)
            fieldset.get_by_label(texts[chosen], exact=True).check()


def test_fail_read_the_explanations_retake_and_pass(page: Page, live_server, learner):
    key = answer_key(live_server)
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
