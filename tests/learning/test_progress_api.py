"""Playback reports: resume, the furthest point, completion, and every bad report refused."""

import json

import pytest
from sqlalchemy import select

from coursehub.core.extensions import db
from coursehub.learning.models import LessonProgress
from tests.factories import make_course


@pytest.fixture
def course(app):
    return make_course(app, preview=())


class Reporter:
    def __init__(self, auth, course):
        self.client = auth.client
        self.token = auth.csrf_token(f"/courses/{course.slug}/lessons/{course.lesson_slugs[0]}")
        self.url = f"/api/lessons/{course.lesson_ids[0]}/progress"
        self.clock = 1_700_000_000_000

    def send(self, position, reported_at=None, token=True, url=None):
        self.clock += 1000
        body = {"position": position, "reported_at": self.clock if reported_at is None else reported_at}
        headers = {"X-CSRFToken": self.token} if token else {}
        return self.client.post(
            url or self.url, data=json.dumps(body), content_type="application/json", headers=headers
        )

    def beacon(self, position):
        """What navigator.sendBeacon sends: a form body with the token inside."""
        self.clock += 1000
        return self.client.post(
            self.url,
            data={"csrf_token": self.token, "position": str(position), "reported_at": str(self.clock)},
        )


@pytest.fixture
def reporter(auth, course, learner):
    return Reporter(auth, course)


def stored(app, user, course):
    with app.app_context():
        row = db.session.scalar(
            select(LessonProgress).where(
                LessonProgress.user_id == user.id, LessonProgress.lesson_id == course.lesson_ids[0]
            )
        )
        return None if row is None else (row.position_seconds, row.furthest_seconds, row.completed_at)


def test_reports_keep_the_position_and_the_furthest_point(app, reporter, learner, course):
    for position in (10, 25, 40):
        assert reporter.send(position).status_code == 200
    assert stored(app, learner, course)[:2] == (40, 40)
    reporter.send(12)  # the learner went back to rewatch
    assert stored(app, learner, course)[:2] == (12, 40)


def test_a_late_report_never_moves_anything_backwards(app, reporter, learner, course):
    for position, sent_at in ((10, 1_000), (25, 2_000), (40, 3_000)):
        reporter.send(position, reported_at=sent_at)
    reporter.send(20, reported_at=1_500)  # sent earlier, arrived last
    assert stored(app, learner, course)[:2] == (40, 40)


def test_a_duplicate_report_changes_nothing(app, reporter, learner, course):
    reporter.send(30, reported_at=5_000)
    first = stored(app, learner, course)
    reporter.send(30, reported_at=5_000)
    assert stored(app, learner, course) == first


def test_jumping_ahead_moves_the_resume_point_but_is_not_watching(app, reporter, learner, course):
    reporter.send(10)
    reporter.send(290)
    position, furthest, completed_at = stored(app, learner, course)
    assert (position, furthest, completed_at) == (290, 10, None)


def test_watching_ninety_percent_completes_the_lesson(app, reporter, learner, course):
    responses = [reporter.send(position) for position in range(0, 271, 30)]  # 270 s of a 300 s lesson
    assert stored(app, learner, course)[2] is not None
    assert [r.get_json()["just_completed"] for r in responses].count(True) == 1


def test_a_beacon_form_report_is_accepted(app, reporter, learner, course):
    assert reporter.beacon(15.5).status_code == 200
    assert stored(app, learner, course)[0] == 15.5


@pytest.mark.parametrize(
    ("position", "message"),
    [
        (-1, "0 or more"),
        ("NaN", "finite"),
        (301.5, "past the end"),
        (None, "a number"),
        ("ten", "a number"),
        (True, "a number"),
    ],
)
def test_bad_positions_answer_400_and_change_nothing(app, reporter, learner, course, position, message):
    reporter.send(20)
    before = stored(app, learner, course)
    if position == "NaN":
        response = reporter.client.post(
            reporter.url,
            data='{"position": NaN, "reported_at": 1}',
            content_type="application/json",
            headers={"X-CSRFToken": reporter.token},
        )
    else:
        response = reporter.send(position)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_position"
    assert message in response.get_json()["error"]["message"]
    assert stored(app, learner, course) == before


def test_a_bad_client_time_answers_400(app, reporter, learner, course):
    response = reporter.send(10, reported_at=-5)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_reported_at"
    assert stored(app, learner, course) is None


def test_a_report_without_csrf_answers_400_in_json(app, reporter, learner, course):
    response = reporter.send(10, token=False)
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "csrf_failed"
    assert stored(app, learner, course) is None


def test_a_lesson_the_learner_cannot_see_answers_403(app, auth, reporter, learner):
    other = make_course(app, preview=())
    response = reporter.send(10, url=f"/api/lessons/{other.lesson_ids[0]}/progress")
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_a_visitor_gets_401_in_json(client, course):
    response = client.post(f"/api/lessons/{course.lesson_ids[0]}/progress", json={"position": 1})
    assert response.status_code in (400, 401)  # CSRF is checked first, then the log-in
    assert "error" in response.get_json()
