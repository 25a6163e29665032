import pytest

from coursehub.accounts.models import Role
from tests.factories import make_user
from tests.helpers import page_text, redis_answers


def test_log_in_shows_the_user_in_the_navigation_and_greets_a_first_log_in_as_one(app, auth):
    user = make_user(app, display_name="Grace")
    body = page_text(auth.login(user.email, user.password, follow=True))
    assert "Welcome to CourseHub, Grace" in body
    assert 'aria-label="Your account: Grace"' in body
    assert "role-badge" not in body  # learners are not told they are learners

    auth.logout()
    assert "Welcome back, Grace" in page_text(auth.login(user.email, user.password, follow=True))


def test_staff_see_their_role_beside_their_name(app, auth):
    user = make_user(app, display_name="Ines", role=Role.AUTHOR)
    body = page_text(auth.login(user.email, user.password, follow=True))
    assert 'aria-label="Your account: Ines, author"' in body


def test_log_in_ignores_the_case_of_the_email(app, auth):
    user = make_user(app, email="grace@example.com")
    response = auth.login("  GRACE@Example.com ", user.password)
    assert response.status_code == 302


def test_a_wrong_password_says_so_without_saying_which_part_was_wrong(app, auth):
    user = make_user(app)
    response = auth.login(user.email, "not the password")
    assert response.status_code == 200
    assert "That email and password don't match an account." in page_text(response)
    unknown = auth.login("nobody@example.com", "not the password")
    assert "That email and password don't match an account." in page_text(unknown)


def test_the_sixth_wrong_password_in_a_minute_is_refused_with_429(app, auth):
    user = make_user(app)
    for _ in range(5):
        assert auth.login(user.email, "wrong password!").status_code == 200
    response = auth.login(user.email, "wrong password!")
    assert response.status_code == 429
    assert "Too many attempts" in page_text(response)
    assert "Retry-After" in response.headers


def test_remember_me_sets_a_secure_long_lived_cookie_only_when_asked(app, client, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    assert client.get_cookie("remember_token") is None
    session_cookie = client.get_cookie("coursehub_session")
    assert session_cookie.http_only and session_cookie.same_site == "Lax"

    auth.logout()
    auth.login(user.email, user.password, remember=True)
    remember = client.get_cookie("remember_token")
    assert remember is not None and remember.http_only


def test_next_is_followed_when_it_is_a_path_on_this_site(app, client, auth):
    user = make_user(app)
    token = auth.csrf_token()
    response = client.post(
        "/login?next=/account", data={"email": user.email, "password": user.password, "csrf_token": token}
    )
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example",
        "/\\evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
    ],
)
def test_next_never_leaves_the_site(app, client, auth, target):
    user = make_user(app)
    token = auth.csrf_token()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"email": user.email, "password": user.password, "csrf_token": token},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_log_out_is_a_post_with_csrf(app, client, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/account").status_code == 200  # still logged in

    response = auth.logout()
    assert response.status_code == 302
    assert client.get("/account").status_code == 302


@pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")
@pytest.mark.parametrize("app_settings", [{"REDIS_URL": "redis://127.0.0.1:6379/15"}])
def test_rate_limits_are_kept_in_redis_when_redis_url_is_set(app, auth):
    import redis

    user = make_user(app)
    for _ in range(5):
        auth.login(user.email, "wrong password!")
    assert auth.login(user.email, "wrong password!").status_code == 429
    keys = redis.Redis.from_url("redis://127.0.0.1:6379/15").keys("LIMITS*")
    assert keys, "the counters should live in Redis"
