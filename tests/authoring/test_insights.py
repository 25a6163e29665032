"""What works: per-lesson progress, where learners stop and quiz questions, against numbers worked by hand."""

import base64
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from coursehub.content.models import Course, Lesson, QuizQuestion
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import Certificate, Enrollment, LessonProgress
from coursehub.quizzes.models import QuizAnswer, QuizAttempt
from tests.factories import make_quiz, make_user
from tests.helpers import page_text

INSIGHTS = "/author/courses/{}/insights"


def seed(app, course, user, *, progress=(), last=None, days_silent=None, answers=()):
    """One person's traces in ``course``: progress rows ``(lesson slug, furthest seconds, completed)``,
    an enrollment whose last activity was ``days_silent`` days ago at lesson ``last``, and one quiz
    attempt per entry of ``answers``, each a dict of question key to response."""
    now = utcnow()
    with app.app_context():
        lessons = {row.slug: row for row in db.session.scalars(select(Lesson).filter_by(course_id=course.id))}
        questions = {row.key: row for row in db.session.scalars(select(QuizQuestion))}
        for slug, furthest, completed in progress:
            db.session.add(
                LessonProgress(
                    user_id=user.id,
                    lesson_id=lessons[slug].id,
                    furthest_seconds=furthest,
                    position_seconds=furthest,
                    completed_at=now if completed else None,
                    updated_at=now,
                )
            )
        if last:
            db.session.add(
                Enrollment(
                    user_id=user.id,
                    course_id=course.id,
                    last_lesson_id=lessons[last].id,
                    last_activity_at=now - timedelta(days=days_silent),
                )
            )
        for number, responses in enumerate(answers, start=1):
            quiz_id = next(iter(questions.values())).quiz_id
            attempt = QuizAttempt(user_id=user.id, quiz_id=quiz_id, number=number, draw=[], submitted_at=now)
            db.session.add(attempt)
            db.session.flush()
            for position, (key, response) in enumerate(responses.items()):
                question = questions[key]
                right = (
                    sorted(response) == sorted(question.answer)
                    if question.kind == "multiple"
                    else (response == question.answer)
                )
                db.session.add(
                    QuizAnswer(
                        attempt_id=attempt.id,
                        question_id=question.id,
                        position=position,
                        response=response,
                        score=float(right),
                        correct=right,
                    )
                )
        db.session.commit()


@pytest.fixture
def known_course(app, course):
    """Four learners and the author in the ``course`` fixture (lessons of 300 s; lesson 4 made text-only).

    lesson-1: A 300 s done, B 60 s, C 150 s done, D 270 s done -> started 4, finished 3,
              shares 1.0, 0.2, 0.5, 0.9 -> median (0.5 + 0.9) / 2 = 70%
    lesson-2: A 90 s, C 300 s done, D 310 s done (capped at 1.0) -> started 3, finished 2, median 100%
    lesson-3: only the author -> nothing counts
    lesson-4: C marked it done without a video -> started 1, finished 1, no median
    stops: A silent 20 days at lesson-2, B 30 days at lesson-1, C active yesterday, D silent 15 days but
           holds a certificate (finished, not stopped) -> lesson-1: 1, lesson-2: 1, 2 silent
    quiz: Q1 single (answer Iliopsoas): A b then a, B b, C a, D c, author c -> 5 answers, 2 right = 40%,
          Triceps 2x; Q2 multiple (a, b): A [b, a], B [a, c], C [c, a], D [a, b] -> 50%, the two orders
          of "Saddle numbness, Stiff mornings" merge: 2x; Q3 true/false: A False, B False, C True,
          D True -> 50%, False 2x; Q4, Q5 never answered.
    """
    make_quiz(app, course)
    with app.app_context():
        text_only = db.session.scalar(select(Lesson).filter_by(course_id=course.id, slug="lesson-4"))
        text_only.duration_seconds, text_only.video_ref = 0, None
        db.session.commit()
    a, b, c, d = (make_user(app, display_name=name) for name in "ABCD")
    seed(
        app,
        course,
        a,
        progress=[("lesson-1", 300, True), ("lesson-2", 90, False)],
        last="lesson-2",
        days_silent=20,
        answers=[{"pick-one": "b", "pick-all": ["b", "a"], "true-or-false": False}, {"pick-one": "a"}],
    )
    seed(
        app,
        course,
        b,
        progress=[("lesson-1", 60, False)],
        last="lesson-1",
        days_silent=30,
        answers=[{"pick-one": "b", "pick-all": ["a", "c"], "true-or-false": False}],
    )
    seed(
        app,
        course,
        c,
        progress=[("lesson-1", 150, True), ("lesson-2", 300, True), ("lesson-4", 0, True)],
        last="lesson-4",
        days_silent=1,
        answers=[{"pick-one": "a", "pick-all": ["c", "a"], "true-or-false": True}],
    )
    seed(
        app,
        course,
        d,
        progress=[("lesson-1", 270, True), ("lesson-2", 310, True)],
        last="lesson-2",
        days_silent=15,
        answers=[{"pick-one": "c", "pick-all": ["a", "b"], "true-or-false": True}],
    )
    with app.app_context():
        db.session.add(Certificate(user_id=d.id, course_id=course.id, code="CERT-D", name_on_certificate="D"))
        db.session.commit()
    return course


def table_rows(body: str, table_id: str) -> list[list[str]]:
    table = body.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)]
        for row in rows
    ]


def test_insights_match_the_numbers_worked_by_hand(app, client, author, known_course):
    seed(app, known_course, author, progress=[("lesson-3", 300, True)], answers=[{"pick-one": "c"}])
    response = client.get(INSIGHTS.format(known_course.slug))
    assert response.status_code == 200
    body = page_text(response)
    assert table_rows(body, "lesson-insights") == [
        ["1.1 Lesson 1", "4", "3", "70%", "1"],
        ["1.2 Lesson 2", "3", "2", "100%", "1"],
        ["2.3 Lesson 3", "0", "0", "—", "0"],
        ["2.4 Lesson 4", "1", "1", "—", "0"],
    ]
    assert "2 learners silent for 14 days or more" in body
    assert table_rows(body, "question-insights") == [
        ["Q1. Which muscle flexes the hip?", "5", "40%", "Triceps (chosen 2 times)"],
        ["Q2. Which are red flags?", "4", "50%", "Saddle numbness, Stiff mornings (chosen 2 times)"],
        ["Q3. AIS holds each stretch for two seconds.", "4", "50%", "False (chosen 2 times)"],
        ["Q4. Put the steps in order.", "0", "—", "—"],
        ["Q5. Stretching the left hamstring, which leg lifts?", "0", "—", "—"],
    ]
    assert response.headers["Cache-Control"] == "private, no-store"


def test_the_charts_are_scriptless_svg_images_with_titles_and_value_labels(client, author, known_course):
    body = client.get(INSIGHTS.format(known_course.slug)).get_data(as_text=True)
    assert "<script" not in body.split("</header>", 1)[-1]
    images = re.findall(r'<img src="data:image/svg\+xml;base64,([^"]+)" alt="([^"]+)"', body)
    assert len(images) == 4
    charts = [base64.b64decode(data).decode() for data, _alt in images]
    for svg in charts:
        assert svg.startswith("<svg") and "<script" not in svg and "http://kozea" not in svg
    assert "Median share of the video watched" in charts[1] and ">Lesson 1 · 70%<" in charts[1]
    assert (
        ">Lesson 1 · 4 started, 3 finished<" in charts[0]
        and ">Lesson 3 · 0 started, 0 finished<" in charts[0]
    )
    assert "Where learners stop" in charts[2] and ">Lesson 2 · 1 stopped<" in charts[2]
    assert ">Q1. Which muscle flexes the h… · 40%<" in charts[3]
    # Lessons read top to bottom in course order: pygal draws the first label at the foot.
    assert charts[0].index(">Lesson 4 · ") < charts[0].index(">Lesson 1 · ")


def test_the_studio_links_each_course_to_its_insights(client, author, course):
    assert f'href="{INSIGHTS.format(course.slug)}"' in client.get("/author").get_data(as_text=True)


def test_a_course_without_a_quiz_or_learners_shows_empty_figures(client, author, course):
    body = page_text(client.get(INSIGHTS.format(course.slug)))
    assert table_rows(body, "lesson-insights")[0] == ["1.1 Lesson 1", "0", "0", "—", "0"]
    assert "This course has no quiz questions yet." in body


def test_an_unknown_course_is_a_404(client, author):
    assert client.get(INSIGHTS.format("no-such-course")).status_code == 404
    assert client.get(INSIGHTS.format("x" * 5000)).status_code == 404


@pytest.mark.parametrize("learners", [3, 30])
def test_the_page_costs_the_same_queries_for_3_and_30_learners(
    app, client, author, course, count_queries, learners
):
    make_quiz(app, course)
    for number in range(learners):
        user = make_user(app)
        seed(
            app,
            course,
            user,
            progress=[("lesson-1", 30 * number % 300, number % 2 == 0)],
            last="lesson-1",
            days_silent=number,
            answers=[{"pick-one": "abc"[number % 3]}],
        )
    with count_queries:
        response = client.get(INSIGHTS.format(course.slug))
    assert response.status_code == 200
    assert f"<td>{learners}</td>" in response.get_data(as_text=True)
    assert count_queries.count == EXPECTED_QUERIES


# The session with its user, the course, the seven insight queries, and the test's savepoint and its rollback.
EXPECTED_QUERIES = 11


def test_learners_and_visitors_get_nothing(app, client, auth, known_course):
    visitor = client.get(INSIGHTS.format(known_course.slug))
    assert visitor.status_code == 302 and "/login" in visitor.headers["Location"]
    assert "Lesson 1" not in visitor.get_data(as_text=True)
    learner = make_user(app)
    auth.login(learner.email, learner.password)
    refused = client.get(INSIGHTS.format(known_course.slug))
    assert refused.status_code == 403
    assert "Triceps" not in refused.get_data(as_text=True) and "lesson-insights" not in refused.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.scalar(select(Course.id).filter_by(slug=known_course.slug)) == known_course.id
