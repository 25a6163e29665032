"""The learner's dashboard: per-course progress, where to continue, what's next, and ended access."""

import re

from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import Enrollment, LessonProgress
from tests.factories import grant, make_course, make_user
from tests.helpers import page_text


def test_the_dashboard_shows_progress_and_where_to_continue(app, auth):
    course = make_course(app, lessons=4, preview=(), title="Pelvic Basics")
    user = make_user(app)
    grant(app, user, course, enroll=True)
    with app.app_context():
        db.session.add_all(
            [
                LessonProgress(
                    user_id=user.id,
                    lesson_id=course.lesson_ids[0],
                    position_seconds=300,
                    furthest_seconds=300,
                    reported_at_ms=1,
                    completed_at=utcnow(),
                ),
                LessonProgress(
                    user_id=user.id,
                    lesson_id=course.lesson_ids[1],
                    position_seconds=125,
                    furthest_seconds=125,
                    reported_at_ms=2,
                ),
            ]
        )
        enrollment = db.session.query(Enrollment).filter_by(user_id=user.id).one()
        enrollment.last_lesson_id, enrollment.last_activity_at = course.lesson_ids[1], utcnow()
        db.session.commit()
    auth.login(user.email, user.password)

    body = page_text(auth.client.get("/dashboard"))

    assert "Pelvic Basics" in body
    assert '<strong class="percent">25%</strong> complete (1 of 4 lessons)' in body
    assert re.search(
        r"Continue where you left off:\s*<a href=\"[^\"]+/lesson-2\">Lesson 2</a>\s*at 2:05", body
    )
    assert re.search(r"Next lesson:\s*<a href=\"[^\"]+/lesson-3\">Lesson 3</a>", body)
    assert "Last activity" in body


def test_a_course_whose_access_ended_stays_on_the_dashboard_with_its_progress(app, auth):
    course = make_course(app, preview=())
    user = make_user(app)
    grant(app, user, course, status="revoked", enroll=True)
    auth.login(user.email, user.password)
    body = page_text(auth.client.get("/dashboard"))
    assert "Your access to this course has ended; your progress is kept." in body


def test_an_empty_dashboard_points_to_the_free_course(app, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    body = page_text(auth.client.get("/dashboard"))
    assert "the\n    introduction to Active Isolated Stretching is free" in body


def test_finishing_every_lesson_issues_the_certificate(app, auth, mailbox):
    course = make_course(app, free=True, lessons=2, preview=(), title="Gentle Start")
    user = make_user(app)
    auth.login(user.email, user.password)
    for slug in course.lesson_slugs:
        url = f"/courses/{course.slug}/lessons/{slug}"
        done = auth.post(f"{url}/complete", {"done": "1"}, form_page=url, follow_redirects=True)
    assert "You finished Gentle Start" in page_text(done)
    assert "Your certificate" in page_text(auth.client.get("/dashboard"))
    assert any("certificate" in m["Subject"].lower() for m in mailbox.to(user.email))
