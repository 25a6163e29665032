"""The same pages run inside this process on the seeded database: to count their SQL statements and
to profile the ones that miss their target (pyinstrument, the ``bench`` extra)."""

from __future__ import annotations

import html
import re
import time
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.driver import Request
from coursehub import create_app
from coursehub.core.extensions import db

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_DATA = re.compile(r'data-csrf-token="([^"]+)"')
PROFILE_LINES = 30
# Counted as the tests count them (tests/learning/test_query_counts.py): without transaction control.
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")
SIGNED_IN = {"Cookie": "the logged-in test client's"}  # stands for the learner's cookie header


class InProcess:
    """A Flask test client, logged in through the real form, on the benchmark's database, and a second one
    without cookies for what the bench requests as a visitor (no Cookie header)."""

    def __init__(self, database_url: str, stripe_key: str, webhook_secret: str):
        self.app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": database_url,
                "COURSEHUB_ENV": "development",
                "STRIPE_SECRET_KEY": stripe_key,
                "STRIPE_WEBHOOK_SECRET": webhook_secret,
            }
        )
        self.client = self.app.test_client()
        self.visitor = self.app.test_client()

    def log_in(self, email: str, password: str) -> None:
        page = self.client.get("/login").get_data(as_text=True)
        token = html.unescape(CSRF_FIELD.search(page).group(1))
        response = self.client.post(
            "/login", data={"email": email, "password": password, "csrf_token": token}
        )
        if response.status_code != 302:
            raise RuntimeError(f"in-process log in as {email} failed ({response.status_code})")

    def csrf_token_on(self, path: str) -> str:
        return html.unescape(CSRF_DATA.search(self.client.get(path).get_data(as_text=True)).group(1))

    def send(self, request: Request):
        headers = {k: v for k, v in request.headers.items() if k != "Cookie"}
        client = self.client if "Cookie" in request.headers else self.visitor
        return client.open(request.path, method=request.method, data=request.body or None, headers=headers)

    def count_statements(self, request: Request) -> tuple[int, int]:
        """:return: (status, SQL statements) of one request, after one to warm caches."""
        self.send(request)
        statements: list[str] = []

        def record(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(TRANSACTION_CONTROL):
                statements.append(statement)

        with _listening(record):
            status = self.send(request).status_code
        return status, len(statements)

    def profile(self, requests: list[Request], seconds: float = 3.0) -> list[str]:
        """The top of a pyinstrument profile of rounds of ``requests`` for about ``seconds``."""
        from pyinstrument import Profiler  # the bench extra; only needed when a target is missed

        profiler = Profiler(interval=0.001)
        profiler.start()
        started = time.monotonic()
        rounds = 0
        while rounds < 5 or time.monotonic() - started < seconds:
            for request in requests:
                self.send(request)
            rounds += 1
        profiler.stop()
        text = profiler.output_text(unicode=False, color=False, show_all=False)
        lines = [line.rstrip() for line in text.splitlines() if line.strip()]
        # Skip the banner and the frames of this harness: start at the view (the first frame of ours).
        start = next((n for n, line in enumerate(lines) if "coursehub/" in line), 0)
        summary = next((line.split("Duration:")[1].strip() for line in lines if "Duration:" in line), "")
        return [f"{rounds} rounds; duration {summary}", *lines[start : start + PROFILE_LINES]]

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()


@contextmanager
def _listening(callback):
    event.listen(Engine, "before_cursor_execute", callback)
    try:
        yield
    finally:
        event.remove(Engine, "before_cursor_execute", callback)
