"""Personal pages tell every cache to keep nothing; shared files stay cacheable."""

import pytest

from tests.factories import grant, make_course, make_user
from tests.helpers import lesson_url


@pytest.fixture
def signed_in_course(app, auth):
    user = make_user(app)
    course = make_course(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    return course


def test_signed_in_pages_are_private_and_not_stored(client, signed_in_course):
    for path in ("/dashboard", "/account", lesson_url(signed_in_course, 1), "/", "/no-such-page"):
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "private, no-store", path


def test_the_log_out_answer_is_not_stored(client, auth, signed_in_course):
    assert auth.logout().headers.get("Cache-Control") == "private, no-store"


def test_static_files_keep_their_own_caching(client, signed_in_course):
    with client.get("/static/css/site.css") as response:
        assert response.status_code == 200
        assert "no-store" not in response.headers.get("Cache-Control", "")
