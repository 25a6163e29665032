import time

from coursehub.accounts import services
from tests.factories import make_user
from tests.helpers import links_in, page_text, without_csrf_tokens

NEW_PASSWORD = "a brand new password"


def request_reset(auth, email):
    return auth.post("/forgot-password", {"email": email}, follow_redirects=True)


def reset_link(mailbox, email) -> str:
    [message] = mailbox.to(email)
    [link] = [url for url in links_in(message) if "/reset-password/" in url]
    return link.removeprefix("http://school.test")


def test_the_reset_form_answers_the_same_for_known_and_unknown_emails(app, auth, mailbox):
    user = make_user(app)
    known = request_reset(auth, user.email)
    unknown = request_reset(auth, "nobody@example.com")
    assert known.status_code == unknown.status_code == 200
    assert "If an account uses that address, a reset link is on its way." in page_text(known)
    assert without_csrf_tokens(page_text(known)) == without_csrf_tokens(page_text(unknown))
    assert [m["To"] for m in mailbox.messages] == [user.email]


def test_a_reset_link_works_once(app, client, auth, mailbox):
    user = make_user(app)
    request_reset(auth, user.email)
    link = reset_link(mailbox, user.email)

    done = auth.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=True)
    assert "Your password is changed" in page_text(done)
    assert auth.login(user.email, user.password).status_code == 200  # the old one is gone
    assert auth.login(user.email, NEW_PASSWORD).status_code == 302
    auth.logout()

    again = client.get(link, follow_redirects=True)
    assert "not valid or has already been used" in page_text(again)


def test_an_expired_reset_link_is_refused(app, client):
    user = make_user(app)
    with app.test_request_context():
        from coursehub.accounts import tokens
        from coursehub.accounts.models import User
        from coursehub.core.extensions import db

        stored = db.session.get(User, user.id)
        token = tokens.issue(
            tokens.RESET_PASSWORD,
            {"uid": user.id, "fp": tokens.fingerprint(stored.password_hash)},
            app.config["RESET_PASSWORD_MAX_AGE"],
            now=time.time() - 3601,
        )
    response = client.get(f"/reset-password/{token}", follow_redirects=True)
    assert "That reset link has expired" in page_text(response)


def test_reset_rejects_a_weak_password_and_keeps_the_link_usable(app, auth, mailbox):
    user = make_user(app)
    request_reset(auth, user.email)
    link = reset_link(mailbox, user.email)
    weak = auth.post(link, {"password": "short", "confirm": "short"})
    assert "Use at least 10 characters." in page_text(weak)
    done = auth.post(link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302


def test_a_reset_logs_out_every_other_session(app, auth, mailbox):
    user = make_user(app)
    other_device = app.test_client()
    from tests.helpers import AuthActions

    AuthActions(other_device).login(user.email, user.password)
    assert other_device.get("/account").status_code == 200

    request_reset(auth, user.email)
    auth.post(reset_link(mailbox, user.email), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    assert other_device.get("/account").status_code == 302


def test_reset_confirms_the_email_of_an_unverified_account(app, auth, mailbox):
    user = make_user(app, verified=False)
    request_reset(auth, user.email)
    auth.post(reset_link(mailbox, user.email), {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    with app.app_context():
        assert services.find_user_by_email(user.email).email_verified_at is not None
