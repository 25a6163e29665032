"""Taking a quiz over HTTP: the draw, grading, feedback, limits, and every bad submission refused."""

import re

import pytest
from sqlalchemy import func, select

from coursehub.core.extensions import db
from coursehub.quizzes.models import QuizAnswer, QuizAttempt
from coursehub.quizzes.services import question_stats
from tests.factories import SAMPLE_QUESTIONS, grant, make_course, make_quiz, make_user
from tests.helpers import page_text, without_csrf_tokens
from tests.quizzes.quiz_helpers import answers, quiz_url, score_on, start, submit


@pytest.fixture
def course(app):
    return make_course(app, preview=())


def attempts(app, user) -> list[QuizAttempt]:
    with app.app_context():
        rows = list(db.session.scalars(select(QuizAttempt).where(QuizAttempt.user_id == user.id)))
        db.session.expunge_all()
        return rows


def answer_rows(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(QuizAnswer))


def test_an_attempt_draws_from_the_pool_and_a_reload_shows_the_same_questions(app, auth, course, learner):
    make_quiz(app, course, draw=3)
    url = start(auth, course)
    first = without_csrf_tokens(page_text(auth.client.get(url)))
    assert first.count('<fieldset class="question"') == 3
    assert without_csrf_tokens(page_text(auth.client.get(url))) == first
    assert start(auth, course) == url  # starting again resumes the open attempt


def test_no_page_before_submission_holds_the_answer_key_or_explanations(app, auth, course, learner):
    make_quiz(app, course)
    pages = [
        auth.client.get(quiz_url(course)),
        auth.client.get(start(auth, course)),
        auth.client.get(f"/courses/{course.slug}"),
    ]
    for page in pages:
        body = page_text(page)
        for spec in SAMPLE_QUESTIONS:
            assert spec["explanation"] not in body
        assert 'value="s1"' not in body and 'value="a"' not in body  # author ids never appear


def test_all_right_passes_and_feedback_links_to_the_lesson_second(app, auth, course, learner):
    make_quiz(app, course)
    url = start(auth, course)
    assert submit(auth, url, answers(app, url, right=True)).status_code == 303
    result = page_text(auth.client.get(url))
    assert score_on(result) == 100 and "You passed" in result
    for spec in SAMPLE_QUESTIONS:
        assert spec["explanation"] in result
    assert f'href="/courses/{course.slug}/lessons/{course.lesson_slugs[0]}?t=42"' in result


def test_all_wrong_fails_with_the_explanations(app, auth, course, learner):
    make_quiz(app, course)
    url = start(auth, course)
    response = submit(auth, url, answers(app, url, right=False))
    assert response.status_code == 303
    result = page_text(auth.client.get(url))
    assert score_on(result) == 0 and "Not passed yet" in result
    assert result.count("Not right.") == 5


def test_the_attempt_history_lists_each_attempt(app, auth, course, learner):
    make_quiz(app, course)
    for right in (False, True):
        url = start(auth, course)
        submit(auth, url, answers(app, url, right=right))
    history = page_text(auth.client.get(quiz_url(course)))
    assert re.search(r"Attempt 2</a></td>\s*<td>100%</td>\s*<td>Passed", history)
    assert re.search(r"Attempt 1</a></td>\s*<td>0%</td>\s*<td>Not passed yet", history)


def test_the_attempt_limit_is_enforced(app, auth, course, learner):
    make_quiz(app, course, max_attempts=1)
    url = start(auth, course)
    submit(auth, url, answers(app, url, right=False))
    assert "Start an attempt" not in page_text(auth.client.get(quiz_url(course)))  # the button is gone
    direct = auth.post(f"{quiz_url(course)}/attempts", form_page=f"/courses/{course.slug}")
    assert direct.status_code == 409 and "used all 1 attempts" in page_text(direct)  # and the route refuses
    assert len(attempts(app, learner)) == 1


def test_the_wait_between_attempts_is_enforced(app, auth, course, learner):
    make_quiz(app, course, wait_minutes=30)
    url = start(auth, course)
    submit(auth, url, answers(app, url, right=False))
    response = auth.post(f"{quiz_url(course)}/attempts", form_page=quiz_url(course))
    assert response.status_code == 409 and "You can try again from" in page_text(response)
    assert len(attempts(app, learner)) == 1


def test_a_second_submission_is_refused_and_changes_nothing(app, auth, course, learner):
    make_quiz(app, course)
    url = start(auth, course)
    submit(auth, url, answers(app, url, right=False))
    again = submit(auth, url, answers(app, url, right=True))
    assert again.status_code == 409
    assert attempts(app, learner)[0].score_percent == 0
    assert answer_rows(app) == 5


@pytest.mark.parametrize("spoil", ["missing", "unknown_option", "extra_question", "two_for_one", "bad_order"])
def test_a_bad_submission_answers_400_and_keeps_the_attempt_open(app, auth, course, learner, spoil):
    make_quiz(app, course)
    url = start(auth, course)
    form = answers(app, url)
    single = next(
        name
        for name, value in form.items()
        if isinstance(value, str) and "-" not in name and value not in ("true", "false")
    )
    ordering = [name for name in form if "-" in name]
    if spoil == "missing":
        del form[single]
    elif spoil == "unknown_option":
        form[single] = "deadbeef"
    elif spoil == "extra_question":
        form["q17"] = "deadbeef"
    elif spoil == "two_for_one":
        form[single] = [form[single], form[single] + "x"]
    else:
        form[ordering[0]] = form[ordering[1]]
    response = submit(auth, url, form)
    assert response.status_code == 400
    assert 'role="alert"' in page_text(response)
    assert attempts(app, learner)[0].submitted_at is None and answer_rows(app) == 0
    assert submit(auth, url, answers(app, url)).status_code == 303  # still open; a good form goes through


def test_a_learner_without_access_cannot_start_or_see_the_quiz(app, auth, course):
    make_quiz(app, course)
    user = make_user(app)
    auth.login(user.email, user.password)
    assert auth.client.get(quiz_url(course)).status_code == 403
    response = auth.post(f"{quiz_url(course)}/attempts", form_page=f"/courses/{course.slug}")
    assert response.status_code == 403
    assert attempts(app, user) == []


def test_someone_elses_attempt_is_not_found(app, auth, course, learner):
    make_quiz(app, course)
    url = start(auth, course)
    other = make_user(app)
    grant(app, other, course)
    auth.logout()
    auth.login(other.email, other.password)
    assert auth.client.get(url).status_code == 404


def test_passing_the_quiz_and_finishing_the_lessons_issues_the_certificate(app, auth, course, learner):
    make_quiz(app, course)
    for slug in course.lesson_slugs:
        lesson = f"/courses/{course.slug}/lessons/{slug}"
        auth.post(f"{lesson}/complete", {"done": "1"}, form_page=lesson)
    assert "Your certificate" not in page_text(auth.client.get("/dashboard"))
    url = start(auth, course)
    submit(auth, url, answers(app, url, right=True))
    assert "Your certificate" in page_text(auth.client.get("/dashboard"))


def test_question_stats_show_which_questions_learners_miss(app, auth, course, learner):
    quiz_id = make_quiz(app, course)
    url = start(auth, course)
    form = answers(app, url, right=True)
    with app.app_context():
        attempt = db.session.get(QuizAttempt, int(url.rsplit("/", 1)[1]))
        side_index = next(
            i for i, entry in enumerate(attempt.draw) if entry["options"][0][1] in ("left", "right")
        )
        side_tokens = {option_id: token for token, option_id in attempt.draw[side_index]["options"]}
    form[f"q{side_index}"] = side_tokens["right"]  # the learner picks the wrong side
    submit(auth, url, form)
    with app.app_context():
        from coursehub.content.models import Quiz

        stats = {stat.question.key: stat for stat in question_stats(db.session.get(Quiz, quiz_id))}
    assert (stats["which-side"].answers, stats["which-side"].right) == (1, 0)
    assert (stats["pick-one"].answers, stats["pick-one"].right, stats["pick-one"].learners_right) == (1, 1, 1)
    assert stats["pick-one"].percent_right == 100 and stats["which-side"].percent_right == 0
