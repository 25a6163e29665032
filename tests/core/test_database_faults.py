"""The database connection dies mid-request: that request gets a clean 503, the next one succeeds."""

import threading
import time

import pytest
import sqlalchemy as sa

from tests.databases import POSTGRES_URL
from tests.factories import make_user
from tests.helpers import AuthActions, page_text

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="pg_terminate_backend needs PostgreSQL")


def wait_for_blocked_update(admin, timeout: float = 15.0) -> int:
    """The pid of the app's backend once it waits on our lock."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pid = admin.execute(
            sa.text(
                "SELECT pid FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND query ILIKE 'UPDATE users%'"
            )
        ).scalar()
        if pid is not None:
            return pid
        time.sleep(0.05)
    raise AssertionError("the request never waited on the lock")


def test_a_killed_connection_gives_503_and_the_next_request_succeeds(committed_app):
    app = committed_app
    user = make_user(app)
    auth = AuthActions(app.test_client())
    token = auth.csrf_token()
    outside = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    answers = []
    with outside.connect() as locker, outside.connect() as admin:
        admin.execution_options(isolation_level="AUTOCOMMIT")
        # Logging in writes the user's row (last_login_at), so it waits on this lock.
        locker.execute(sa.text("SELECT id FROM users WHERE id = :id FOR UPDATE"), {"id": user.id})
        login = threading.Thread(
            target=lambda: answers.append(
                auth.client.post(
                    "/login", data={"email": user.email, "password": user.password, "csrf_token": token}
                )
            )
        )
        login.start()
        pid = wait_for_blocked_update(admin)
        admin.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        login.join(timeout=15)
        locker.rollback()
    outside.dispose()

    [killed] = answers
    assert killed.status_code == 503 and "Retry-After" in killed.headers
    assert "briefly unavailable" in page_text(killed)
    assert auth.client.get("/healthz").status_code == 200
    assert auth.login(user.email, user.password).status_code == 302
