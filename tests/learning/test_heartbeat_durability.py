"""A playback report doesn't wait for the disk on PostgreSQL; the report that completes a lesson does."""

from tests.factories import grant, make_course, make_user
from tests.helpers import csrf_token_on_lesson, lesson_url

RELAXED = "SET LOCAL synchronous_commit TO OFF"


def test_only_reports_that_complete_nothing_skip_the_wait_for_the_disk(app, auth, count_queries):
    course = make_course(app, lessons=1, preview=())
    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    token = csrf_token_on_lesson(auth.client.get(lesson_url(course)))
    postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    sent = []
    for second in range(0, 271, 30):  # continuous watching up to 90% of the 300 s video
        with count_queries:
            response = auth.client.post(
                f"/api/lessons/{course.lesson_ids[0]}/progress",
                data={"csrf_token": token, "position": str(second), "reported_at": str(1_000 + second)},
            )
        assert response.status_code == 200
        sent.append((response.get_json()["just_completed"], RELAXED in count_queries.statements))

    assert sent[-1] == (True, False)  # the completing report is committed durably
    assert sent[:-1] == [(False, postgresql)] * (len(sent) - 1)
