"""While one person's password is checked, everyone else's requests go through (issue 17, ``make load``).

argon2 spends about 200 ms of CPU per log-in on purpose. On SQLite every transaction holds the one write
lock, so a log-in that kept its read open across the hash queued the whole school behind it: a class
logging in at once pushed heartbeats and page views past the busy timeout, into 503s.
"""

from __future__ import annotations

import requests
from sqlalchemy import select

from coursehub.accounts import services
from coursehub.core.extensions import db
from coursehub.learning.models import LessonProgress
from tests.factories import grant, make_course, make_user
from tests.helpers import csrf_token_from, serving


def logged_in(base: str, user) -> tuple[requests.Session, str]:
    """A browser logged in as ``user``, and a CSRF token of its new session."""
    browser = requests.Session()
    token = csrf_token_from(browser.get(f"{base}/login", timeout=10).text)
    data = {"email": user.email, "password": user.password, "csrf_token": token}
    assert browser.post(f"{base}/login", data=data, allow_redirects=False, timeout=30).status_code == 302
    return browser, csrf_token_from(browser.get(f"{base}/account/password", timeout=10).text)


def test_a_heartbeat_is_saved_while_another_learners_password_is_being_checked(committed_app, monkeypatch):
    app = committed_app
    app.config["RATELIMIT_ENABLED"] = False
    course = make_course(app, lessons=1, preview=())
    watcher, arriving = make_user(app), make_user(app)
    grant(app, watcher, course, enroll=True)
    with serving(app) as base:
        watching, token = logged_in(base, watcher)
        heartbeats = []
        real_verify = services.verify_password

        def verify_while_someone_watches(password_hash, password):
            report = {"csrf_token": token, "position": "42", "reported_at": "1000"}
            url = f"{base}/api/lessons/{course.lesson_ids[0]}/progress"
            heartbeats.append(watching.post(url, data=report, timeout=60).status_code)
            return real_verify(password_hash, password)

        monkeypatch.setattr(services, "verify_password", verify_while_someone_watches)
        logged_in(base, arriving)
    assert heartbeats == [200]
    with app.app_context():
        stored = db.session.scalar(
            select(LessonProgress.position_seconds).where(LessonProgress.user_id == watcher.id)
        )
    assert stored == 42


def test_a_password_changed_during_the_check_does_not_log_in(committed_app, monkeypatch):
    app = committed_app
    app.config["RATELIMIT_ENABLED"] = False
    user = make_user(app)
    real_verify = services.verify_password

    def verify_while_the_owner_changes_it(password_hash, password):
        with app.app_context():
            account = services.find_user_by_email(user.email)
            account.password_hash = services.hash_password("a brand new password")
            db.session.commit()
        return real_verify(password_hash, password)

    with serving(app) as base:
        monkeypatch.setattr(services, "verify_password", verify_while_the_owner_changes_it)
        browser = requests.Session()
        token = csrf_token_from(browser.get(f"{base}/login", timeout=10).text)
        data = {"email": user.email, "password": user.password, "csrf_token": token}
        response = browser.post(f"{base}/login", data=data, allow_redirects=False, timeout=30)
    assert response.status_code == 200
    assert "match an account" in response.text
