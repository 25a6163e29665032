import time

import pytest

from coursehub.accounts import services, tokens
from coursehub.accounts.models import User
from coursehub.core.extensions import db
from tests.factories import make_user
from tests.helpers import links_in, page_text

PASSWORD = "a long enough password"


def sign_up(auth, email="ada@example.com", name="Ada", password=PASSWORD, confirm=None):
    return auth.post(
        "/signup",
        {"display_name": name, "email": email, "password": password, "confirm": confirm or password},
    )


def count_users(app, email):
    with app.app_context():
        return db.session.query(User).filter_by(email=email).count()


def test_sign_up_mails_a_link_that_verifies_and_then_log_in_works(app, client, auth, mailbox):
    response = sign_up(auth)
    assert response.status_code == 200
    assert "Check your inbox" in page_text(response)

    [message] = mailbox.to("ada@example.com")
    assert message["Subject"] == "Confirm your email for CourseHub"
    assert message.get_body(preferencelist=("html",)) is not None
    [link] = [url for url in links_in(message) if "/verify-email/" in url]
    assert link.startswith("http://school.test/verify-email/")  # from BASE_URL, never from Host

    verified = client.get(link.removeprefix("http://school.test"), follow_redirects=True)
    assert "ada@example.com is confirmed" in page_text(verified)

    logged_in = auth.login("ada@example.com", PASSWORD, follow=True)
    body = page_text(logged_in)
    assert "Welcome to CourseHub, Ada" in body  # a first log-in is greeted as one
    assert "Please confirm your email" not in body


def test_email_is_case_insensitive_and_a_second_sign_up_reveals_nothing(app, auth, mailbox):
    existing = make_user(app, email="ada@example.com")

    response = sign_up(auth, email="Ada@Example.COM", name="Impostor")

    assert "Check your inbox" in page_text(response)  # the same answer as a new sign-up
    assert count_users(app, "ada@example.com") == 1
    [message] = mailbox.to(existing.email)
    assert message["Subject"] == "You already have a CourseHub account"


def test_sign_up_refuses_a_short_password_and_keeps_nothing(app, auth, mailbox):
    response = sign_up(auth, password="short", confirm="short")
    assert response.status_code == 200
    assert "at least 10 characters" in page_text(response)
    assert count_users(app, "ada@example.com") == 0
    assert mailbox.messages == []


def test_sign_up_refuses_mismatched_passwords(app, auth):
    response = sign_up(auth, confirm="another long password")
    assert "The passwords differ." in page_text(response)
    assert count_users(app, "ada@example.com") == 0


def test_sign_up_refuses_an_invalid_email(app, auth):
    response = sign_up(auth, email="not-an-email")
    assert "That email address is not valid" in page_text(response)


def test_an_expired_verification_link_verifies_nothing(app, client):
    user = make_user(app, verified=False)
    with app.test_request_context():
        token = tokens.issue(
            tokens.VERIFY_EMAIL, {"uid": user.id, "email": user.email}, 60, now=time.time() - 3600
        )
    response = client.get(f"/verify-email/{token}", follow_redirects=True)
    assert "That confirmation link has expired" in page_text(response)
    with app.app_context():
        assert db.session.get(User, user.id).email_verified_at is None


def test_a_tampered_verification_link_verifies_nothing(app, client):
    user = make_user(app, verified=False)
    with app.test_request_context():
        token = tokens.issue(tokens.VERIFY_EMAIL, {"uid": user.id, "email": user.email}, 60)
    response = client.get(f"/verify-email/{token[:-2]}xx", follow_redirects=True)
    assert "That confirmation link is not valid" in page_text(response)
    with app.app_context():
        assert db.session.get(User, user.id).email_verified_at is None


def test_an_unverified_learner_can_ask_for_a_new_link(app, client, auth, mailbox):
    user = make_user(app, verified=False)
    page = auth.login(user.email, user.password, follow=True)
    assert "Please confirm your email" in page_text(page)

    response = auth.post("/verify-email/resend", form_page="/", follow_redirects=True)

    assert f"We sent a new confirmation link to {user.email}" in page_text(response)
    [message] = mailbox.to(user.email)
    assert any("/verify-email/" in link for link in links_in(message))


@pytest.mark.parametrize(
    "name",
    [
        "Ada\u202eecalovel",  # a right-to-left override: the certificate would print "Adalovelace" reversed
        "Ada\u2066Lovelace",
        "Ada\x85Lovelace",  # a C1 control (next line)
        "\u200b\u200b",  # zero-width spaces only
        "\u3164",  # a Hangul filler, which prints as nothing
        "\u00ad\u2800",  # a soft hyphen and a blank braille cell
    ],
)
def test_a_name_that_would_print_wrong_or_blank_on_a_certificate_is_refused(app, auth, name):
    response = sign_up(auth, email="odd@example.com", name=name)
    assert response.status_code == 200
    body = page_text(response)
    assert any(
        message in body
        for message in ("can't contain control characters", "text-direction", "Enter the name to show")
    )
    assert count_users(app, "odd@example.com") == 0


def test_names_in_other_scripts_and_with_joiners_are_welcome(app, auth):
    assert "Check your inbox" in page_text(sign_up(auth, email="zoe@example.com", name="Zoë 👩\u200d⚕️ شیرین"))
    assert count_users(app, "zoe@example.com") == 1


def test_sign_up_hashes_the_password_whether_or_not_the_address_is_taken(app, auth, monkeypatch):
    """The same work on both paths: a known address used to answer in a quarter of the time."""
    taken = make_user(app, email="taken@example.com")
    calls = []
    real_hash = services.hash_password
    monkeypatch.setattr(services, "hash_password", lambda password: calls.append(1) or real_hash(password))
    sign_up(auth, email=taken.email)
    taken_calls = len(calls)
    sign_up(auth, email="fresh@example.com")
    assert taken_calls == 1 and len(calls) == 2


def test_sign_up_from_a_course_returns_to_it_after_verifying_and_logging_in(app, client, auth, mailbox):
    course_page = "/courses/some-course"
    token = auth.csrf_token(f"/signup?next={course_page}")
    form = {"display_name": "Ada", "email": "ada@example.com", "password": PASSWORD, "confirm": PASSWORD}
    client.post(f"/signup?next={course_page}", data={**form, "csrf_token": token})
    [message] = mailbox.to("ada@example.com")
    [link] = [url for url in links_in(message) if "/verify-email/" in url]

    verified = client.get(link.removeprefix("http://school.test"))
    assert verified.status_code == 302
    assert verified.headers["Location"] == "/login?next=/courses/some-course"
    login = client.post(
        "/login?next=/courses/some-course",
        data={"email": "ada@example.com", "password": PASSWORD, "csrf_token": auth.csrf_token()},
    )
    assert login.headers["Location"] == course_page


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil", "/x\r\nSet-Cookie: a=b"]
)
def test_sign_up_never_carries_a_foreign_next_through_verification(app, client, auth, mailbox, target):
    token = auth.csrf_token("/signup")
    form = {"display_name": "Ada", "email": "ada@example.com", "password": PASSWORD, "confirm": PASSWORD}
    client.post("/signup", query_string={"next": target}, data={**form, "csrf_token": token})
    [message] = mailbox.to("ada@example.com")
    [link] = [url for url in links_in(message) if "/verify-email/" in url]
    verified = client.get(link.removeprefix("http://school.test"))
    assert verified.headers["Location"] == "/login"
