"""A learner's lesson page draws the course outline from the cache; every change an author makes shows on
the learner's next page, and a scheduled module opens on time without any write."""

import time
from datetime import timedelta

from coursehub.content.models import Lesson, Module
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from tests.authoring.conftest import module_row
from tests.factories import grant, make_quiz, make_user
from tests.helpers import AuthActions, lesson_url, page_text


def learner_on(app, course) -> AuthActions:
    """A learner with the course, on its own client, who has seen the first lesson (the outline is kept)."""
    user = make_user(app)
    grant(app, user, course)
    learner = AuthActions(app.test_client())
    learner.login(user.email, user.password)
    assert "Lesson 2" in page_text(learner.client.get(lesson_url(course, 0)))
    return learner


def outline_of(learner, course) -> str:
    return page_text(learner.client.get(lesson_url(course, 0)))


def test_publishing_a_module_in_the_studio_shows_it_in_the_outline(app, auth, author, course):
    learner = learner_on(app, course)
    assert "Lesson 3" not in outline_of(learner, course)
    published = auth.post(
        f"/author/courses/{course.slug}/modules/module-2/publish", data={"confirm": "1"}, form_page="/author"
    )
    assert published.status_code == 302
    assert "Lesson 3" in outline_of(learner, course)


def test_a_renamed_lesson_and_quiz_show_on_the_next_page(app, course):
    make_quiz(app, course)
    learner = learner_on(app, course)
    with app.app_context():
        db.session.query(Lesson).filter_by(
            course_id=course.id, slug="lesson-2"
        ).one().title = "Breathing first"
        db.session.commit()
    assert "Breathing first" in outline_of(learner, course)
    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=course.id, slug="module-1").one()
        module.quiz.title = "What you learnt"
        db.session.commit()
    assert "Quiz: What you learnt" in outline_of(learner, course)


def test_a_scheduled_module_opens_on_time_without_a_write(app, course):
    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=course.id, slug="module-2").one()
        module.published_at = utcnow() + timedelta(seconds=2)
        db.session.commit()
    learner = learner_on(app, course)
    assert "Lesson 3" not in outline_of(learner, course)
    time.sleep(2.1)
    assert module_row(app, course).published_at < utcnow()
    assert "Lesson 3" in outline_of(learner, course)
