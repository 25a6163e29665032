"""Reading a quiz attempt page and answering it the way a learner would."""

import re

from coursehub.content.models import QuizQuestion
from coursehub.core.extensions import db
from coursehub.quizzes.models import QuizAttempt
from tests.helpers import csrf_token_from


def quiz_url(course) -> str:
    return f"/courses/{course.slug}/modules/module-1/quiz"


def start(auth, course):
    """Start (or resume) an attempt; return its URL."""
    response = auth.post(f"{quiz_url(course)}/attempts", form_page=quiz_url(course))
    assert response.status_code == 303, response.status_code
    return response.headers["Location"]


def answers(app, attempt_url: str, right: bool = True) -> dict:
    """A complete form for the attempt: every answer right, or every answer wrong."""
    attempt_id = int(attempt_url.rsplit("/", 1)[1])
    form: dict = {}
    with app.app_context():
        attempt = db.session.get(QuizAttempt, attempt_id)
        for index, entry in enumerate(attempt.draw):
            question = db.session.get(QuizQuestion, entry["question_id"])
            tokens = {option_id: token for token, option_id in entry["options"]}
            name = f"q{index}"
            if question.kind == "ordering":
                order = question.answer if right else list(reversed(question.answer))
                for place, option_id in enumerate(order, start=1):
                    form[f"{name}-{tokens[option_id]}"] = str(place)
            elif question.kind == "multiple":
                wrong = [option_id for option_id, _ in question.options if option_id not in question.answer]
                chosen = question.answer if right else wrong
                form[name] = [tokens[option_id] for option_id in chosen]
            elif question.kind == "true_false":
                form[name] = "true" if question.answer is right else "false"
            else:
                wrong = next(o for o, _ in question.options if o != question.answer)
                form[name] = tokens[question.answer if right else wrong]
    return form


def submit(auth, attempt_url: str, form: dict):
    token = csrf_token_from(auth.client.get(attempt_url).get_data(as_text=True))
    return auth.client.post(attempt_url, data={**form, "csrf_token": token})


def score_on(page: str) -> int:
    return int(re.search(r"Attempt \d+: (\d+)%", page).group(1))
