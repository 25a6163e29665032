"""Two submissions of one attempt racing on two app servers: it is graded once."""

import threading

import pytest
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from coursehub.accounts.models import User
from coursehub.content.models import Quiz
from coursehub.core.extensions import db
from coursehub.quizzes.models import QuizAnswer, QuizAttempt
from coursehub.quizzes.services import QuizError, start_attempt, submit_attempt
from tests.databases import require_postgres
from tests.factories import make_course, make_quiz, make_user


@pytest.fixture(autouse=True)
def _on_postgres():
    require_postgres()


def full_form(attempt: QuizAttempt) -> MultiDict:
    """Any complete, well-formed answer: the first option everywhere, steps in the order shown."""
    kinds = {question.id: question.kind for question in attempt.quiz.questions}
    form = MultiDict()
    for index, entry in enumerate(attempt.draw):
        tokens = [token for token, _ in entry["options"]]
        if kinds[entry["question_id"]] == "ordering":
            for place, token in enumerate(tokens, start=1):
                form[f"q{index}-{token}"] = str(place)
        else:
            form[f"q{index}"] = tokens[0]
    return form


def submitter(app, attempt_id, barrier, outcomes):
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        form = full_form(attempt)
        barrier.wait(timeout=10)
        try:
            submit_attempt(attempt, form)
            db.session.commit()
            outcomes.append("graded")
        except QuizError as error:
            db.session.rollback()
            outcomes.append(error.status)


def test_two_concurrent_submissions_grade_the_attempt_once(committed_app):
    app = committed_app
    user = make_user(app)
    course = make_course(app, preview=())
    make_quiz(app, course)
    for _round in range(10):
        with app.app_context():
            quiz = db.session.scalars(select(Quiz)).one()
            attempt_id = start_attempt(db.session.get(User, user.id), quiz).id
            db.session.commit()
        barrier, outcomes = threading.Barrier(2), []
        threads = [
            threading.Thread(target=submitter, args=(app, attempt_id, barrier, outcomes)) for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        assert sorted(outcomes, key=str) == [409, "graded"], outcomes
        with app.app_context():
            answers = db.session.scalar(
                select(func.count()).select_from(QuizAnswer).where(QuizAnswer.attempt_id == attempt_id)
            )
            assert answers == 5
