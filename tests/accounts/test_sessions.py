"""Sessions live on the server: log-out ends them for every copy of the cookie."""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta

from sqlalchemy import select

from coursehub.accounts.models import UserSession
from coursehub.accounts.sessions import TOUCH_EVERY
from coursehub.core.extensions import db
from tests.factories import make_user
from tests.helpers import AuthActions, page_text

SESSION_COOKIE = "coursehub_session"
REMEMBER_COOKIE = "remember_token"


def copy_cookies(source, target, names=(SESSION_COOKIE, REMEMBER_COOKIE)) -> None:
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def session_ids(app, user) -> list[int]:
    with app.app_context():
        rows = db.session.scalars(
            select(UserSession).where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        )
        return [row.id for row in rows]


def test_a_session_cookie_copied_before_log_out_is_dead_after_it(app, client, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    stolen = app.test_client()
    copy_cookies(client, stolen, names=(SESSION_COOKIE,))
    assert stolen.get("/account").status_code == 200
    auth.logout()
    response = stolen.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_a_remember_me_cookie_copied_before_log_out_is_dead_after_it(app, client, auth):
    user = make_user(app)
    auth.login(user.email, user.password, remember=True)
    stolen = app.test_client()
    copy_cookies(client, stolen, names=(REMEMBER_COOKIE,))
    assert stolen.get("/account").status_code == 200  # restored from the remember-me cookie alone
    auth.logout()
    fresh = app.test_client()
    copy_cookies(stolen, fresh, names=(REMEMBER_COOKIE,))
    assert fresh.get("/account").status_code == 302


def test_the_account_page_lists_each_device_and_marks_this_one(app, client, auth):
    user = make_user(app)
    AuthActions(app.test_client()).login(user.email, user.password)
    client.environ_base["HTTP_USER_AGENT"] = "Phone browser 1.0"
    auth.login(user.email, user.password)
    body = page_text(client.get("/account"))
    assert "Where you are logged in" in body
    assert 'Phone browser 1.0 <span class="badge">this device</span>' in body
    assert len(re.findall(r'action="/account/sessions/\d+/end"', body)) == 2
    assert "Log out every other device" in body


def test_logging_out_another_device_ends_only_that_one(app, client, auth):
    user = make_user(app)
    other_device = app.test_client()
    AuthActions(other_device).login(user.email, user.password)
    (other_id,) = session_ids(app, user)
    auth.login(user.email, user.password)
    response = auth.post(f"/account/sessions/{other_id}/end", form_page="/account")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert other_device.get("/account").status_code == 302
    assert client.get("/account").status_code == 200


def test_log_out_every_other_device_keeps_this_one(app, client, auth):
    user = make_user(app)
    devices = [app.test_client() for _ in range(2)]
    for device in devices:
        AuthActions(device).login(user.email, user.password)
    auth.login(user.email, user.password)
    assert auth.post("/account/sessions/end-others", form_page="/account").status_code == 302
    assert [device.get("/account").status_code for device in devices] == [302, 302]
    assert client.get("/account").status_code == 200
    assert len(session_ids(app, user)) == 1


def test_another_learners_session_is_not_found_and_stays_live(app, client, auth):
    victim = make_user(app)
    victim_device = app.test_client()
    AuthActions(victim_device).login(victim.email, victim.password)
    (victim_session,) = session_ids(app, victim)
    attacker = make_user(app)
    auth.login(attacker.email, attacker.password)
    response = auth.post(f"/account/sessions/{victim_session}/end", form_page="/account")
    assert response.status_code == 404
    assert victim_device.get("/account").status_code == 200


def test_only_a_hash_of_the_token_is_stored(app, client, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    serializer = app.session_interface.get_signing_serializer(app)
    token = serializer.loads(client.get_cookie(SESSION_COOKIE).value)["_user_id"]
    with app.app_context():
        stored = db.session.scalars(select(UserSession.token_hash)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert token not in stored


def test_reading_pages_keeps_the_session_last_seen_although_they_write_nothing(app, client, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        row.last_seen_at -= TOUCH_EVERY + timedelta(minutes=1)
        db.session.commit()
        stale = row.last_seen_at

    assert client.get("/dashboard").status_code == 200

    with app.app_context():
        row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
        assert row.last_seen_at > stale + TOUCH_EVERY
