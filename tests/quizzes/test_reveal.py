"""What a result reveals: explanations always; each right option only as the quiz's ``reveal`` allows."""

import pytest

from coursehub.content.models import Quiz
from coursehub.core.extensions import db
from tests.factories import SAMPLE_QUESTIONS, make_course, make_quiz
from tests.helpers import page_text
from tests.quizzes.quiz_helpers import answers, start, submit

RIGHT_OPTIONS = ("The answer is: Iliopsoas.", "The answers are: Saddle numbness; Fever with back pain.")


@pytest.fixture
def course(app):
    return make_course(app, preview=())


def set_reveal(app, quiz_id: int, reveal: str) -> None:
    with app.app_context():
        db.session.get(Quiz, quiz_id).reveal = reveal
        db.session.commit()


def fail_once(app, auth, course) -> str:
    url = start(auth, course)
    submit(auth, url, answers(app, url, right=False))
    return url


def test_a_failed_attempt_shows_what_was_wrong_and_why_but_not_the_right_options(app, auth, course, learner):
    make_quiz(app, course)
    result = page_text(auth.client.get(fail_once(app, auth, course)))
    assert result.count("Not right.") == 5
    for spec in SAMPLE_QUESTIONS:
        assert spec["explanation"] in result
    assert not any(text in result for text in RIGHT_OPTIONS)
    assert "The right options are shown once you pass." in result


def test_passing_reveals_the_right_options_on_every_earlier_result_too(app, auth, course, learner):
    make_quiz(app, course)
    failed = fail_once(app, auth, course)
    passed = start(auth, course)
    submit(auth, passed, answers(app, passed, right=True))
    assert all(text in page_text(auth.client.get(failed)) for text in RIGHT_OPTIONS)


def test_reveal_always_shows_the_right_options_at_once(app, auth, course, learner):
    set_reveal(app, make_quiz(app, course), "always")
    assert all(text in page_text(auth.client.get(fail_once(app, auth, course))) for text in RIGHT_OPTIONS)


def test_reveal_after_last_attempt_waits_for_the_last_attempt(app, auth, course, learner):
    set_reveal(app, make_quiz(app, course, max_attempts=2), "after_last_attempt")
    first = fail_once(app, auth, course)
    assert not any(text in page_text(auth.client.get(first)) for text in RIGHT_OPTIONS)
    last = fail_once(app, auth, course)
    assert all(text in page_text(auth.client.get(last)) for text in RIGHT_OPTIONS)


def test_an_incomplete_submission_names_every_unanswered_question_and_keeps_the_answers(
    app, auth, course, learner
):
    make_quiz(app, course)
    url = start(auth, course)
    form = answers(app, url, right=True)
    kept = {name: value for name, value in form.items() if name.startswith("q0")}
    response = submit(auth, url, kept)
    body = page_text(response)
    assert response.status_code == 400
    assert "Questions 2, 3, 4 and 5 have no answer yet." in body
    for name, value in kept.items():  # the answer already given is still chosen
        token = value if isinstance(value, str) else value[0]
        if name == "q0":
            assert f'name="q0" value="{token}" checked' in body
