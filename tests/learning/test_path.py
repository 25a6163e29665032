"""The learner's path: lessons, then the module's quiz, then on; after the last item, the finish page."""

import re

import pytest
from sqlalchemy import select

from coursehub.core.extensions import db
from coursehub.learning.models import Certificate, LessonProgress
from tests.factories import grant, make_course, make_quiz, make_user
from tests.helpers import lesson_url, page_text
from tests.quizzes.quiz_helpers import answers, quiz_url, start, submit


@pytest.fixture
def course(app):
    """Two modules of two lessons; the first module ends with a quiz."""
    course = make_course(app, lessons=4, modules=2, preview=())
    make_quiz(app, course)
    return course


def next_href(body: str) -> str:
    return re.search(r'<a class="button" rel="next" href="([^"]+)"', body).group(1)


def complete(auth, course, index: int):
    return auth.post(
        f"{lesson_url(course, index)}/complete", {"done": "1"}, form_page=lesson_url(course, index)
    )


def test_a_modules_last_lesson_leads_to_its_quiz_and_the_first_lesson_to_the_second(learner, auth, course):
    assert next_href(page_text(auth.client.get(lesson_url(course, 1)))) == quiz_url(course)
    assert next_href(page_text(auth.client.get(lesson_url(course, 0)))) == lesson_url(course, 1)
    # the final lesson leads to the finish page, not to a dead end
    assert next_href(page_text(auth.client.get(lesson_url(course, 3)))) == f"/courses/{course.slug}/finished"


def test_a_passed_quiz_leads_on_to_the_next_modules_first_lesson(app, learner, auth, course):
    attempt = start(auth, course)
    submit(auth, attempt, answers(app, attempt, right=True))
    body = page_text(auth.client.get(attempt))
    assert "You passed" in body
    assert next_href(body) == lesson_url(course, 2)


def test_a_failed_quiz_offers_the_retake_not_the_next_lesson(app, learner, auth, course):
    attempt = start(auth, course)
    submit(auth, attempt, answers(app, attempt, right=False))
    body = page_text(auth.client.get(attempt))
    assert 'rel="next"' not in body
    assert f'<a class="button" href="{quiz_url(course)}">Back to the quiz</a>' in body


def test_finishing_the_last_item_opens_the_finish_page_with_the_certificate(app, learner, auth, course):
    for index in range(4):
        response = complete(auth, course, index)
    assert response.headers["Location"] == lesson_url(course, 3)  # the quiz is still left
    before = page_text(auth.client.get(f"/courses/{course.slug}/finished"))
    assert "Almost there" in before and f'href="{quiz_url(course)}"' in before

    attempt = start(auth, course)
    submit(auth, attempt, answers(app, attempt, right=True))
    result = page_text(auth.client.get(attempt))
    assert next_href(result) == f"/courses/{course.slug}/finished"

    finished = auth.client.get(f"/courses/{course.slug}/finished")
    body = page_text(finished)
    with app.app_context():
        code = db.session.scalar(select(Certificate.code).where(Certificate.user_id == learner.id))
    assert "Congratulations" in body
    assert f'href="/certificates/{code}/certificate.pdf"' in body
    assert finished.headers["Cache-Control"] == "private, no-store"


def test_completing_the_last_open_item_redirects_to_the_finish_page(app, auth, learner):
    course = make_course(app, lessons=2, preview=())
    grant(app, learner, course)
    complete(auth, course, 0)
    assert complete(auth, course, 1).headers["Location"] == f"/courses/{course.slug}/finished"


def test_the_finish_page_is_for_learners_of_the_course(app, auth, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    assert auth.client.get(f"/courses/{course.slug}/finished").status_code == 403
    assert auth.post(f"/courses/{course.slug}/finished", form_page="/").status_code == 403
    assert auth.client.get("/courses/no-such-course/finished").status_code == 404


def test_the_owners_certificate_page_offers_the_pdf_and_a_strangers_does_not(app, auth, client, learner):
    course = make_course(app, lessons=1, preview=())
    grant(app, learner, course)
    complete(auth, course, 0)
    with app.app_context():
        code = db.session.scalar(select(Certificate.code).where(Certificate.course_id == course.id))
    mine = auth.client.get(f"/certificates/{code}")
    assert "Download your certificate (PDF)" in page_text(mine)
    assert mine.headers["Cache-Control"] == "private, no-store"
    auth.logout()
    assert "Download your certificate" not in page_text(client.get(f"/certificates/{code}"))


def test_the_outline_shows_each_items_state(app, auth, learner, course):
    with app.app_context():
        db.session.add_all(
            [
                LessonProgress(
                    user_id=learner.id,
                    lesson_id=course.lesson_ids[0],
                    completed_at=db.func.now(),
                    position_seconds=0,
                    furthest_seconds=0,
                    reported_at_ms=0,
                ),
                LessonProgress(
                    user_id=learner.id,
                    lesson_id=course.lesson_ids[1],
                    position_seconds=40,
                    furthest_seconds=40,
                    reported_at_ms=1,
                ),
            ]
        )
        db.session.commit()
    body = page_text(auth.client.get(lesson_url(course, 2)))
    outline = body[body.index('aria-label="Course outline"') : body.index("</details>")]
    states = re.findall(r'<li class="outline-item state-([a-z-]+)', outline)
    assert states == ["done", "in-progress", "open", "open", "open"]
    assert "Quiz: Check your understanding" in outline
    assert 'aria-current="page"' in outline


def test_a_drip_module_shows_locked_with_its_date_in_the_outline(app, auth):
    user = make_user(app)
    course = make_course(app, lessons=2, modules=2, preview=(), drip_days=7)
    grant(app, user, course, enroll=True)
    auth.login(user.email, user.password)
    body = page_text(auth.client.get(lesson_url(course, 0)))
    assert re.search(r"Lesson 2</span>\s*<span class=\"state-text\">\(locked, opens \d+ \w+ \d{4}\)", body)


def test_continue_on_a_finished_lesson_goes_to_the_next_unfinished_item(app, auth, learner, course):
    complete(auth, course, 0)
    complete(auth, course, 1)  # the last lesson opened is now done; next comes the quiz
    dashboard = page_text(auth.client.get("/dashboard"))
    assert re.search(rf'Continue where you left off:\s*<a href="{quiz_url(course)}">Quiz: ', dashboard)
    course_page = page_text(auth.client.get(f"/courses/{course.slug}"))
    assert (
        f'<p><a class="button" href="{quiz_url(course)}">Continue where you left off</a></p>' in course_page
    )
