"""Who sees a lesson: visitors, learners with and without access, previews, the free course."""

import pytest

from coursehub.accounts.models import Role
from tests.factories import grant, make_course, make_user
from tests.helpers import lesson_url, page_text

SECRET_TEXT = "The paid teaching"


@pytest.fixture
def paid(app):
    return make_course(app, body=SECRET_TEXT, preview=(0,))


def assert_locked(response, cta: str):
    body = page_text(response)
    assert response.status_code == 403
    assert cta in body
    assert SECRET_TEXT not in body
    assert "/media/" not in body and "<video" not in body


def test_a_visitor_gets_the_sign_up_offer_and_nothing_of_a_paid_lesson(client, paid):
    assert_locked(client.get(lesson_url(paid, 1)), "Sign up to buy for $49")


def test_a_learner_without_access_gets_the_buy_offer_and_nothing_of_the_lesson(app, auth, paid):
    user = make_user(app)
    auth.login(user.email, user.password)
    assert_locked(auth.client.get(lesson_url(paid, 1)), "Buy for $49")


def test_a_learner_with_an_active_entitlement_sees_the_lesson_and_its_video(app, auth, paid):
    user = make_user(app)
    grant(app, user, paid)
    auth.login(user.email, user.password)
    response = auth.client.get(lesson_url(paid, 1))
    assert response.status_code == 200
    body = page_text(response)
    assert f"{SECRET_TEXT} 2" in body
    assert "<video" in body and "/media/lessons/" in body


@pytest.mark.parametrize("status", ["revoked", "suspended"])
def test_an_entitlement_that_is_not_active_opens_nothing(app, auth, paid, status):
    user = make_user(app)
    grant(app, user, paid, status=status)
    auth.login(user.email, user.password)
    assert_locked(auth.client.get(lesson_url(paid, 1)), "Buy for $49")


def test_a_free_preview_is_open_to_visitors(client, paid):
    response = client.get(lesson_url(paid, 0))
    assert response.status_code == 200
    assert f"{SECRET_TEXT} 1" in page_text(response)


def test_the_free_course_needs_an_account_and_nothing_more(app, client, auth):
    free = make_course(app, free=True, preview=(), body=SECRET_TEXT)
    assert_locked(client.get(lesson_url(free, 0)), "Sign up free to start")
    user = make_user(app, verified=False)
    auth.login(user.email, user.password)
    assert auth.client.get(lesson_url(free, 0)).status_code == 200


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
def test_staff_see_every_lesson(app, auth, paid, role):
    user = make_user(app, role=role)
    auth.login(user.email, user.password)
    assert auth.client.get(lesson_url(paid, 2)).status_code == 200


def test_lessons_of_an_unpublished_course_do_not_exist_for_learners(app, client):
    draft = make_course(app, published=False)
    assert client.get(lesson_url(draft, 0)).status_code == 404


def test_an_unknown_lesson_is_404(client, paid):
    assert client.get(f"/courses/{paid.slug}/lessons/no-such-lesson").status_code == 404


def test_the_lesson_page_links_to_its_neighbours(app, auth, paid):
    user = make_user(app)
    grant(app, user, paid)
    auth.login(user.email, user.password)
    body = page_text(auth.client.get(lesson_url(paid, 1)))
    assert f'rel="prev" href="{lesson_url(paid, 0)}"' in body
    assert f'rel="next" href="{lesson_url(paid, 2)}"' in body
