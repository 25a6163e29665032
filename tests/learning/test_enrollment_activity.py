"""The enrollment remembers the last lesson and activity without a write on every view and heartbeat."""

from datetime import timedelta

from sqlalchemy import select

from coursehub.core.extensions import db
from coursehub.learning.models import Enrollment
from coursehub.learning.progress import ACTIVITY_RESOLUTION
from tests.factories import grant, make_course, make_user
from tests.helpers import csrf_token_on_lesson, lesson_url


def enrollment_of(app, user, course) -> Enrollment:
    with app.app_context():
        row = db.session.scalar(
            select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
        )
        db.session.expunge(row)
        return row


def age_activity(app, user, course, by: timedelta) -> None:
    with app.app_context():
        row = db.session.scalar(
            select(Enrollment).where(Enrollment.user_id == user.id, Enrollment.course_id == course.id)
        )
        row.last_activity_at -= by
        db.session.commit()


def enrollment_writes(statements: list[str]) -> list[str]:
    return [s for s in statements if s.lstrip().upper().startswith("INSERT INTO ENROLLMENTS")]


def test_opening_another_lesson_records_it_and_a_reload_writes_nothing(app, auth, count_queries):
    course = make_course(app, lessons=3, preview=())
    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)

    auth.client.get(lesson_url(course, 0))
    with count_queries:
        assert auth.client.get(lesson_url(course, 2)).status_code == 200
    assert len(enrollment_writes(count_queries.statements)) == 1
    recorded = enrollment_of(app, user, course)
    assert recorded.last_lesson_id == course.lesson_ids[2]

    with count_queries:
        assert auth.client.get(lesson_url(course, 2)).status_code == 200
    assert enrollment_writes(count_queries.statements) == []
    assert enrollment_of(app, user, course).last_activity_at == recorded.last_activity_at


def test_a_reload_after_a_while_moves_the_last_activity(app, auth):
    course = make_course(app, lessons=2, preview=())
    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    auth.client.get(lesson_url(course, 1))
    age_activity(app, user, course, by=ACTIVITY_RESOLUTION + timedelta(seconds=5))
    before = enrollment_of(app, user, course).last_activity_at

    auth.client.get(lesson_url(course, 1))

    assert enrollment_of(app, user, course).last_activity_at > before + ACTIVITY_RESOLUTION


def test_a_heartbeat_on_another_lesson_makes_it_the_one_to_continue(app, auth, count_queries):
    course = make_course(app, lessons=3, preview=())
    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    token = csrf_token_on_lesson(auth.client.get(lesson_url(course, 0)))

    def beat(index: int, position: str) -> None:
        response = auth.client.post(
            f"/api/lessons/{course.lesson_ids[index]}/progress",
            data={"csrf_token": token, "position": position, "reported_at": "1767225600000"},
        )
        assert response.status_code == 200, response.get_data(as_text=True)

    beat(1, "5")
    assert enrollment_of(app, user, course).last_lesson_id == course.lesson_ids[1]
    with count_queries:
        beat(1, "10")  # the same lesson a moment later: the enrollment already says so
    assert enrollment_writes(count_queries.statements) == []
    assert "Continue where you left off" in auth.client.get("/dashboard").get_data(as_text=True)
