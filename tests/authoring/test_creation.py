"""Creating courses, modules and lessons in the browser, and a course's settings, checked like files."""

from sqlalchemy import select

from coursehub.billing.models import Product
from coursehub.content.models import Access, Course, Lesson, Module
from coursehub.content.revisions import LessonRevision
from coursehub.core.extensions import db
from tests.factories import make_user
from tests.helpers import count_rows, page_text

LESSON_TEXT = "Lie on your back with the rope around your foot.\n\nBreathe out as you lift."


def course_by_slug(app, slug):
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == slug))
        if course is not None:
            db.session.expunge(course)
        return course


def new_course_data(**changes):
    data = {
        "slug": "hip-mobility",
        "title": "Hip Mobility",
        "subtitle": "Free hips, easier back",
        "summary": "Gentle routines for the hips.",
        "access": "paid",
        "price": "39.00",
        "currency": "usd",
    }
    return {**data, **changes}


def test_an_author_creates_a_paid_draft_course_with_its_product(app, auth, author):
    response = auth.post("/author/courses/new", new_course_data())
    assert response.status_code == 302
    assert response.location.endswith("/author/courses/hip-mobility/modules/new")
    course = course_by_slug(app, "hip-mobility")
    assert (course.title, course.access, course.price_cents, course.published_at) == (
        "Hip Mobility",
        Access.PAID,
        3900,
        None,
    )
    assert count_rows(app, Product, slug="hip-mobility", price_cents=3900) == 1


def test_a_course_the_importer_would_refuse_is_refused_with_its_messages(app, auth, author):
    data = new_course_data(slug="Hip Mobility", price="0", currency="USD")
    response = auth.post("/author/courses/new", data, form_page="/author/courses/new")
    body = page_text(response)
    assert response.status_code == 400
    assert "'Hip Mobility' is not a slug" in body
    assert "a paid course needs a price above 0" in body
    assert "currency must be a lowercase three-letter code" in body
    assert count_rows(app, Course) == 0 and count_rows(app, Product) == 0


def test_a_course_slug_already_used_is_refused(app, auth, author, course):
    response = auth.post(
        "/author/courses/new", new_course_data(slug=course.slug), form_page="/author/courses/new"
    )
    assert response.status_code == 400 and "already used by another course" in page_text(response)
    assert count_rows(app, Course) == 1


def test_editing_a_paid_courses_price_changes_its_product(app, auth, author, course):
    with app.app_context():
        db.session.add(
            Product(
                slug=course.slug, kind="course", title="Old", summary="", price_cents=4900, currency="usd"
            )
        )
        db.session.commit()
    path = f"/author/courses/{course.slug}/settings"
    data = {"title": "Renamed", "subtitle": "New subtitle", "summary": "New summary.", "price": "59.50"}
    response = auth.post(path, data)
    assert response.status_code == 302
    saved = course_by_slug(app, course.slug)
    assert (saved.title, saved.subtitle, saved.price_cents) == ("Renamed", "New subtitle", 5950)
    assert count_rows(app, Product, slug=course.slug, price_cents=5950, title="Renamed") == 1


def test_a_course_setting_the_importer_refuses_changes_nothing(app, auth, author, course):
    path = f"/author/courses/{course.slug}/settings"
    response = auth.post(path, {"title": "", "subtitle": "x", "summary": "y", "price": "12"})
    assert response.status_code == 400 and "title" in page_text(response)
    assert course_by_slug(app, course.slug).price_cents == 4900


def test_an_author_adds_a_draft_module_then_a_lesson_to_it(app, auth, author, course):
    response = auth.post(
        f"/author/courses/{course.slug}/modules/new",
        {"slug": "hips", "title": "Hips", "summary": "The hip rotators."},
    )
    assert response.status_code == 302
    with app.app_context():
        module = db.session.scalar(select(Module).where(Module.course_id == course.id, Module.slug == "hips"))
        assert (module.position, module.published_at) == (3, None)
    response = auth.post(
        f"/author/courses/{course.slug}/modules/hips/lessons/new",
        {"slug": "piriformis", "title": "Piriformis", "body": LESSON_TEXT},
    )
    assert response.status_code == 302
    assert response.location.endswith(f"/author/courses/{course.slug}/lessons/piriformis/edit")
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.slug == "piriformis"))
        assert (lesson.module.slug, lesson.position, lesson.video_ref) == ("hips", 1, None)
        assert "<p>Breathe out as you lift.</p>" in lesson.body_html
    assert count_rows(app, LessonRevision, note="created in the studio", author_id=author.id) == 1


def test_a_lesson_the_importer_would_refuse_gets_its_file_and_line(app, auth, author, course):
    response = auth.post(
        f"/author/courses/{course.slug}/modules/module-1/lessons/new",
        {"slug": "lesson-1", "title": "Again", "body": "# A heading\n\nText"},
    )
    body = page_text(response)
    assert response.status_code == 400
    assert "lesson slug 'lesson-1' is already used in this course" in body
    assert f"courses/{course.slug}/01-module-1/03-lesson-1.md" in body
    assert count_rows(app, Lesson, course_id=course.id) == 4


def test_a_learner_cannot_create_anything(app, auth, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    assert auth.client.get("/author/courses/new").status_code == 403
    assert auth.client.post(f"/author/courses/{course.slug}/modules/new", data={}).status_code in (400, 403)
    assert count_rows(app, Module, course_id=course.id) == 2
