"""The safety check: every red flag closes practice for the course; consent is per disclaimer version."""

import pytest
from sqlalchemy import select

from coursehub.content.screening import Screening, current_screening
from coursehub.core.extensions import db
from coursehub.practice import safety
from coursehub.practice.models import Consent, PracticeSession, ScreeningAnswer
from tests.helpers import count_rows, lesson_url, page_text
from tests.practice.support import add_routine, all_no, pass_screening

QUESTIONS = current_screening().questions


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_each_red_flag_closes_practice_for_the_course_but_not_its_lessons(
    app, auth, learner, course, question
):
    response = auth.post(
        f"/practice/courses/{course.slug}/screening",
        {**all_no(**{question.id: "yes"}), "consent": "y"},
    )
    text = page_text(response)
    assert response.status_code == 200
    assert "Please see a clinician before you practise" in text and question.prompt in text
    assert ("Please get medical help today." in text) is question.urgent
    add_routine(auth, course)
    started = auth.post("/practice/sessions", {"region": "hip"}, form_page="/practice/")
    assert started.status_code == 302 and "/screening" in started.headers["Location"]
    assert count_rows(app, PracticeSession) == 0
    assert auth.client.get(lesson_url(course)).status_code == 200


def test_answering_again_with_no_red_flag_opens_practice(app, auth, learner, course):
    pass_screening(auth, course)
    auth.post(f"/practice/courses/{course.slug}/screening", all_no(fever="yes"))
    with app.app_context():
        assert db.session.scalars(select(ScreeningAnswer.red_flags)).one() == ["fever"]
    response = pass_screening(auth, course, consent=False)
    assert response.status_code == 302
    add_routine(auth, course)
    assert auth.post("/practice/sessions", {"region": "hip"}, form_page="/practice/").status_code == 302
    assert count_rows(app, PracticeSession) == 1


def test_a_question_left_unanswered_is_refused_and_nothing_is_stored(app, auth, learner, course):
    answers = all_no()
    answers.pop(f"q-{QUESTIONS[0].id}")
    response = auth.post(f"/practice/courses/{course.slug}/screening", {**answers, "consent": "y"})
    assert response.status_code == 400
    assert "Please answer every question" in page_text(response)
    assert count_rows(app, ScreeningAnswer) == 0 and count_rows(app, Consent) == 0


def test_practice_needs_consent_to_the_disclaimer(app, auth, learner, course):
    response = pass_screening(auth, course, consent=False)
    assert response.status_code == 400
    assert "tick the box to agree" in page_text(response)
    assert count_rows(app, ScreeningAnswer) == 0


def test_consent_is_stored_with_its_version_and_a_new_version_asks_again(
    app, auth, learner, course, monkeypatch
):
    pass_screening(auth, course)
    version = current_screening().disclaimer_version
    assert count_rows(app, Consent, user_id=learner.id, disclaimer_version=version) == 1
    add_routine(auth, course)
    assert auth.post("/practice/sessions", {"region": "hip"}, form_page="/practice/").status_code == 302

    newer = Screening("a-newer-version", current_screening().questions)
    monkeypatch.setattr(safety, "screening_in_force", lambda: newer)
    started = auth.post("/practice/sessions", {"region": "hip"}, form_page="/practice/")
    assert "/screening" in started.headers["Location"]
    page = page_text(auth.client.get(f"/practice/courses/{course.slug}/screening"))
    assert "Medical disclaimer" in page and "I have read the disclaimer" in page
    pass_screening(auth, course)
    assert count_rows(app, Consent, user_id=learner.id) == 2


def test_the_screening_pages_need_an_account(client, course):
    response = client.get(f"/practice/courses/{course.slug}/screening")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_second_submit_of_the_same_screening_updates_the_one_row(app, auth, learner, course):
    assert pass_screening(auth, course).status_code == 302
    assert pass_screening(auth, course).status_code == 302
    assert count_rows(app, ScreeningAnswer, user_id=learner.id, course_id=course.id) == 1
    assert count_rows(app, Consent, user_id=learner.id) == 1
