"""The studio's home and the publishing verbs: every transition, scheduling, drafts hidden from learners."""

from datetime import timedelta

import pytest

from coursehub.authoring.status import Status, status_of
from coursehub.content.models import Module
from coursehub.content.queries import syllabus
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from tests.authoring.conftest import module_row
from tests.factories import grant, make_user
from tests.helpers import page_text

MODULE_URL = "/author/courses/{}/modules/module-2/{}"


def post(auth, url, **data):
    return auth.post(url, data=data, form_page="/author")


def set_published_at(app, course, when, slug="module-2"):
    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=course.id, slug=slug).one()
        module.published_at = when
        db.session.commit()


def test_the_author_home_shows_status_counts_and_gaps(auth, author, course):
    response = auth.client.get("/author")
    body = page_text(response)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "Module 2" in body and "draft" in body and "published" in body
    assert "no quiz" in body and "Lesson 3: no captions" in body and "Lesson 3: 3 words (under 150)" in body


@pytest.mark.parametrize(
    "method,path",
    [
        ("get", "/author"),
        ("post", "/author/courses/{}/modules/module-2/publish"),
        ("post", "/author/courses/{}/publish"),
    ],
)
def test_learners_and_visitors_get_nothing_under_author(app, client, auth, course, method, path):
    url = path.format(course.slug)
    visitor = getattr(client, method)(url)
    assert visitor.status_code in (302, 400)  # a visitor's POST has no CSRF token; a GET goes to log in
    assert "Module 2" not in page_text(visitor)
    user = make_user(app)
    auth.login(user.email, user.password)
    response = auth.post(url, form_page="/") if method == "post" else client.get(url)
    assert response.status_code == 403
    assert "Module 2" not in page_text(response) and "Studio" not in page_text(response)
    assert module_row(app, course).published_at is None


def test_draft_to_published_then_back_to_draft(app, auth, author, course):
    response = post(auth, MODULE_URL.format(course.slug, "publish"), confirm="1")
    assert response.status_code == 302
    assert status_of(module_row(app, course)) is Status.PUBLISHED
    assert post(auth, MODULE_URL.format(course.slug, "publish"), confirm="1").status_code == 409
    assert post(auth, MODULE_URL.format(course.slug, "unpublish")).status_code == 302
    assert status_of(module_row(app, course)) is Status.DRAFT
    again = post(auth, MODULE_URL.format(course.slug, "unpublish"))
    assert again.status_code == 409 and "already a draft" in page_text(again)


def test_draft_to_scheduled_to_published_and_scheduled_to_draft(app, auth, author, course):
    at = (utcnow() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    assert post(auth, MODULE_URL.format(course.slug, "schedule"), at=at).status_code == 302
    module = module_row(app, course)
    assert status_of(module) is Status.SCHEDULED
    assert module.published_at.strftime("%Y-%m-%dT%H:%M") == at  # the author's zone is UTC in tests
    assert "scheduled for" in page_text(auth.client.get("/author"))
    assert post(auth, MODULE_URL.format(course.slug, "unpublish")).status_code == 302
    assert status_of(module_row(app, course)) is Status.DRAFT
    post(auth, MODULE_URL.format(course.slug, "schedule"), at=at)
    assert post(auth, MODULE_URL.format(course.slug, "publish"), confirm="1").status_code == 302
    assert status_of(module_row(app, course)) is Status.PUBLISHED


def test_a_published_module_is_not_rescheduled_and_a_past_time_is_refused(app, auth, author, course):
    past = (utcnow() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    response = post(auth, MODULE_URL.format(course.slug, "schedule"), at=past)
    assert response.status_code == 400 and "Choose a time in the future" in page_text(response)
    response = post(auth, MODULE_URL.format(course.slug, "schedule"), at="next tuesday")
    assert response.status_code == 400 and "YYYY-MM-DD HH:MM" in page_text(response)
    response = post(auth, MODULE_URL.format(course.slug, "schedule"), at="2030-01-01 09:00\x00")
    assert response.status_code == 400 and "characters that are not allowed" in page_text(response)
    future = (utcnow() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = post(auth, f"/author/courses/{course.slug}/modules/module-1/schedule", at=future)
    assert response.status_code == 409 and "unpublish it first" in page_text(response)
    assert module_row(app, course).published_at is None


def test_an_archived_module_cannot_be_published(app, auth, author, course):
    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=course.id, slug="module-2").one()
        module.archived_at = utcnow()
        db.session.commit()
    response = post(auth, MODULE_URL.format(course.slug, "publish"), confirm="1")
    assert response.status_code == 409 and "archived" in page_text(response)
    assert module_row(app, course).published_at is None


def test_publishing_a_course_and_unpublishing_it(app, auth, author, course):
    assert post(auth, f"/author/courses/{course.slug}/unpublish").status_code == 302
    assert client_status(app, course) is Status.DRAFT
    assert post(auth, f"/author/courses/{course.slug}/publish", confirm="1").status_code == 302
    assert client_status(app, course) is Status.PUBLISHED


def client_status(app, course):
    from coursehub.content.models import Course

    with app.app_context():
        return status_of(db.session.get(Course, course.id))


def test_publishing_warns_with_what_is_missing_until_confirmed(app, auth, author, course):
    response = post(auth, MODULE_URL.format(course.slug, "publish"))
    body = page_text(response)
    assert response.status_code == 200
    assert "Publish anyway" in body and "no quiz" in body and "Lesson 4: no captions" in body
    assert module_row(app, course).published_at is None


def test_a_scheduled_module_is_hidden_before_its_time_and_visible_after(app, auth, course):
    at = utcnow() + timedelta(hours=3)
    set_published_at(app, course, at)
    with app.app_context():
        from coursehub.content.models import Course

        row = db.session.get(Course, course.id)
        assert [m.slug for m in syllabus(row, now=at - timedelta(seconds=1))] == ["module-1"]
        assert [m.slug for m in syllabus(row, now=at)] == ["module-1", "module-2"]
    learner = make_user(app)
    grant(app, learner, course)
    auth.login(learner.email, learner.password)
    before = auth.client.get(f"/courses/{course.slug}/lessons/lesson-3")
    assert before.status_code == 404 and "Draft teaching 3" not in page_text(before)
    set_published_at(app, course, utcnow() - timedelta(seconds=1))  # its time has come
    after = auth.client.get(f"/courses/{course.slug}/lessons/lesson-3")
    assert after.status_code == 200 and "Draft teaching 3" in page_text(after)


def test_a_learner_never_reaches_a_draft_lesson_or_quiz_by_url(app, auth, course):
    from tests.factories import make_quiz

    learner = make_user(app)
    grant(app, learner, course)
    auth.login(learner.email, learner.password)
    set_published_at(app, course, None, slug="module-1")
    make_quiz(app, course)
    lesson = auth.client.get(f"/courses/{course.slug}/lessons/lesson-3")
    assert lesson.status_code == 404
    assert "Draft teaching" not in page_text(lesson) and "Lesson 3" not in page_text(lesson)
    quiz = auth.client.get(f"/courses/{course.slug}/modules/module-1/quiz")
    assert quiz.status_code == 404 and "Check your understanding" not in page_text(quiz)


def test_the_author_previews_a_draft_as_a_learner_with_a_banner(app, auth, author, course):
    response = auth.client.get(f"/courses/{course.slug}/lessons/lesson-3")
    body = page_text(response)
    assert response.status_code == 200
    assert "Preview." in body and "the module “Module 2” is not published" in body
    assert "Draft teaching 3" in body
    published = page_text(auth.client.get(f"/courses/{course.slug}/lessons/lesson-1"))
    assert "Preview." not in published and "Draft teaching 1" in published
