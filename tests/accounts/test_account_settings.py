import pytest

from coursehub.accounts import services
from tests.factories import get_user, make_user
from tests.helpers import AuthActions, links_in, page_text

NEW_PASSWORD = "another long password"


def test_the_account_page_needs_a_login(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=/account")


def test_change_password_needs_the_current_one(app, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    response = auth.post(
        "/account/password",
        {"current_password": "wrong one!!", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert "Your current password is not right." in page_text(response)
    auth.logout()
    assert auth.login(user.email, user.password).status_code == 302


def test_change_password_keeps_this_session_and_ends_the_others(app, client, auth, mailbox):
    user = make_user(app)
    other = app.test_client()
    AuthActions(other).login(user.email, user.password)
    auth.login(user.email, user.password)

    response = auth.post(
        "/account/password",
        {"current_password": user.password, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        follow_redirects=True,
    )

    assert "Other devices have been logged out" in page_text(response)
    assert client.get("/account").status_code == 200
    assert other.get("/account").status_code == 302
    assert mailbox.to(user.email)[0]["Subject"] == "Your CourseHub password was changed"


def test_change_email_waits_for_the_new_address_to_confirm(app, client, auth, mailbox):
    user = make_user(app, email="old@example.com")
    auth.login(user.email, user.password)

    response = auth.post(
        "/account/email", {"email": "New@Example.com", "password": user.password}, follow_redirects=True
    )
    assert "We sent a confirmation link to new@example.com" in page_text(response)
    with app.app_context():
        assert services.find_user_by_email("old@example.com") is not None

    [message] = mailbox.to("new@example.com")
    [link] = [url for url in links_in(message) if "/verify-email/" in url]
    mailbox.clear()
    client.get(link.removeprefix("http://school.test"))

    with app.app_context():
        moved = services.find_user_by_email("new@example.com")
        assert moved is not None and moved.id == user.id and moved.is_verified
        assert services.find_user_by_email("old@example.com") is None
    [notice] = mailbox.to("old@example.com")
    assert "now new@example.com" in notice.get_body(preferencelist=("plain",)).get_content()


def test_change_email_to_a_taken_address_reveals_nothing_and_sends_nothing(app, auth, mailbox):
    user = make_user(app)
    taken = make_user(app)
    auth.login(user.email, user.password)
    response = auth.post(
        "/account/email", {"email": taken.email, "password": user.password}, follow_redirects=True
    )
    assert f"We sent a confirmation link to {taken.email}" in page_text(response)
    assert mailbox.to(taken.email) == []


def test_change_email_needs_the_password(app, auth, mailbox):
    user = make_user(app)
    auth.login(user.email, user.password)
    response = auth.post("/account/email", {"email": "new@example.com", "password": "not my password"})
    assert "Your password is not right." in page_text(response)
    assert mailbox.messages == []


def test_a_learner_changes_the_name_that_prints_on_new_certificates(app, auth):
    user = make_user(app, display_name="maya")
    auth.login(user.email, user.password)
    response = auth.post("/account/name", {"display_name": "  Maya López  "}, follow_redirects=True)
    assert "Your name is changed" in page_text(response)
    assert get_user(app, user.id).display_name == "Maya López"


@pytest.mark.parametrize(
    ("name", "message"),
    [("   ", "This field is required"), ("Maya\u202eabc", "text-direction characters"), ("x" * 81, "")],
)
def test_a_bad_name_is_refused_with_a_message_and_changes_nothing(app, auth, name, message):
    user = make_user(app, display_name="Maya")
    auth.login(user.email, user.password)
    response = auth.post("/account/name", {"display_name": name})
    assert response.status_code == 200 and message in page_text(response)
    assert get_user(app, user.id).display_name == "Maya"


def test_a_name_with_a_nul_is_refused_at_the_edge_and_changes_nothing(app, auth):
    user = make_user(app, display_name="Maya")
    auth.login(user.email, user.password)
    response = auth.post("/account/name", {"display_name": "Maya\x00"})
    assert response.status_code == 400 and "characters that are not allowed" in page_text(response)
    assert get_user(app, user.id).display_name == "Maya"
