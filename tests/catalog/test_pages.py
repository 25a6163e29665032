"""The public catalog and course pages, and the one call to action each visitor gets."""

import re

import pytest

from coursehub.content.files import load_catalog
from coursehub.content.importer import import_catalog
from coursehub.core.extensions import db
from coursehub.core.paths import COURSES_DIR
from tests.factories import grant, make_course, make_user
from tests.helpers import page_text


@pytest.fixture
def shipped(app):
    with app.app_context():
        import_catalog(load_catalog(COURSES_DIR), publish=True)
        db.session.commit()


def offer(response) -> str:
    return re.search(r'data-offer="(\w+)"', response.get_data(as_text=True)).group(1)


def test_the_home_page_lists_the_four_courses_with_their_facts(client, shipped):
    body = page_text(client.get("/"))
    for title in (
        "Introduction to Active Isolated Stretching",
        "Postural Blueprint for Correcting Pelvic Torsion",
        "Stretching Blueprint for Pain Relief & Better Flexibility",
        "Healing the Hidden Root of Pain",
    ):
        assert title in body
    assert "Free" in body and "$79" in body and "$69" in body and "$59" in body
    assert re.search(r"\d+ modules · \d+ lessons · (\d+ h )?\d+ min of video", body)
    assert '<meta name="description" content="Video courses from a neuromuscular therapist' in body


def test_a_course_page_shows_the_syllabus_previews_and_the_disclaimer(client, shipped):
    response = client.get("/courses/postural-blueprint-pelvic-torsion")
    body = page_text(response)
    assert "<title>Postural Blueprint for Correcting Pelvic Torsion · CourseHub</title>" in body
    assert body.count("free preview") == 2
    assert 'href="/disclaimer"' in body
    assert "How your pelvis is built" in body


def test_the_disclaimer_page_is_public_and_names_the_red_flags(client, shipped):
    body = page_text(client.get("/disclaimer"))
    assert "Medical disclaimer" in body and "saddle" in body


def test_a_visitor_is_offered_sign_up(client, app):
    course = make_course(app)
    assert offer(client.get(f"/courses/{course.slug}")) == "signup"


def test_a_learner_without_access_is_offered_the_purchase(app, auth):
    course = make_course(app)
    user = make_user(app)
    auth.login(user.email, user.password)
    response = auth.client.get(f"/courses/{course.slug}")
    assert offer(response) == "buy" and "Buy for $49" in page_text(response)


def test_a_learner_with_access_is_offered_to_continue(app, auth):
    course = make_course(app)
    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    assert offer(auth.client.get(f"/courses/{course.slug}")) == "continue"


def test_a_signed_in_learner_is_offered_the_free_course(app, auth):
    course = make_course(app, free=True)
    user = make_user(app)
    auth.login(user.email, user.password)
    assert offer(auth.client.get(f"/courses/{course.slug}")) == "start"


def test_locked_lessons_are_listed_but_not_linked(app, client):
    course = make_course(app, preview=(0,))
    body = page_text(client.get(f"/courses/{course.slug}"))
    assert f'/lessons/{course.lesson_slugs[0]}"' in body
    assert f'/lessons/{course.lesson_slugs[1]}"' not in body
    assert "Lesson 2" in body


def test_an_unpublished_course_is_not_found(app, client):
    draft = make_course(app, published=False)
    assert client.get(f"/courses/{draft.slug}").status_code == 404
    assert draft.slug not in page_text(client.get("/"))


def test_a_visitor_sees_the_price_and_what_a_paid_course_includes(client, shipped):
    body = page_text(client.get("/courses/stretching-blueprint"))
    assert '<strong class="price">$69</strong>, paid once' in body
    assert re.search(r"\d+ modules, \d+ lessons</li>", body)
    assert "A certificate of completion when you finish" in body
    assert 'href="/signup?next=/courses/stretching-blueprint">Sign up to buy for $69</a>' in body


def test_the_catalog_page_lists_every_course_under_its_own_heading(client, shipped):
    body = page_text(client.get("/courses"))
    assert '<h1 id="courses-heading">Courses</h1>' in body
    assert body.count('<li class="course-card">') == 4
    assert '<a href="/courses">Courses</a>' in body  # the header's "Courses" names this page


def test_the_free_courses_last_lesson_and_finish_page_lead_to_the_paid_courses_with_prices(
    app, auth, shipped
):
    user = make_user(app)
    auth.login(user.email, user.password)
    free = "/courses/introduction-to-active-isolated-stretching"
    body = page_text(auth.client.get(f"{free}/lessons/putting-it-together-and-where-next"))
    block = body[body.index('id="where-next-heading"') :]
    for slug, price in (("postural-blueprint-pelvic-torsion", "$79"), ("stretching-blueprint", "$69")):
        assert re.search(
            rf'href="/courses/{slug}">[^<]+</a></h3>\s*<p>[^<]+</p>\s*<p class="course-facts">'
            rf'<strong class="price">\{price}</strong>',
            block,
        )
    assert "where-next-heading" in page_text(auth.client.get(f"{free}/finished"))
    paid_lesson = page_text(auth.client.get("/courses/stretching-blueprint"))
    assert "where-next-heading" not in paid_lesson
