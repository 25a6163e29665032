"""Fixtures: the app on a real database, each test inside a transaction that is rolled back; a real SMTP
server; a live server and Debian's chromium for the browser journeys."""

from __future__ import annotations

import os
import shutil
import threading
import time

import email_validator
import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.serving import make_server

from coursehub import create_app
from coursehub.content.files import load_catalog
from coursehub.content.importer import import_catalog
from coursehub.core.extensions import db, limiter
from coursehub.core.paths import COURSES_DIR, PROJECT_ROOT
from tests.databases import backend_name, drop_database, fresh_database
from tests.factories import grant, make_user
from tests.helpers import AuthActions, ServerClient, free_port, settings_for
from tests.log_scan import LogScan

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The machine has no network: keep chromium from trying to reach Google's services.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_report_header(config):
    return f"database backend: {backend_name()}"


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's chromium; CI (REQUIRE_BROWSER=1) fails rather than skipping them."""
    if os.path.exists(CHROMIUM) or os.environ.get("REQUIRE_BROWSER") == "1":
        return
    skip = pytest.mark.skipif(
        not os.path.exists(CHROMIUM), reason="chromium is not installed (make test installs it with apt)"
    )
    for item in items:
        if "page" in item.fixturenames:
            item.add_marker(skip)


# ---- logs ------------------------------------------------------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def log_scan():
    """Records every log line of the run; at the end, fails the run if any holds a secret it saw."""
    with LogScan() as scan:
        yield scan
    leaks = scan.leaks()
    assert not leaks, f"{len(leaks)} secrets reached the logs, e.g. {leaks[:5]}"


@pytest.fixture(autouse=True)
def _log_scan_attached(log_scan):
    """Alembic's fileConfig (run by the migrations) replaces the root logger's handlers: put ours back."""
    log_scan.attach()


# ---- mail ------------------------------------------------------------------------------------------


class Mailbox:
    """What the SMTP server received, as parsed messages."""

    def __init__(self):
        self.raw: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.raw.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content))
        return "250 Message accepted for delivery"

    @property
    def messages(self):
        from email import message_from_bytes, policy

        return [message_from_bytes(raw, policy=policy.default) for _from, _to, raw in self.raw]

    def to(self, address: str):
        return [m for m in self.messages if m["To"] == address]

    def wait_for(self, address: str, seconds: float = 10.0):
        """The messages to ``address`` once one has come: a real server sends after the response has gone,
        so a browser can see the page a moment before the mail arrives."""
        deadline = time.monotonic() + seconds
        while not self.to(address) and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.to(address)

    def clear(self):
        self.raw.clear()


@pytest.fixture(scope="session")
def smtp_controller():
    handler = Mailbox()
    # aiosmtpd 1.4.6 can't bind port 0 (it connects to itself to start), so pick a free port first.
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), ready_timeout=5)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


@pytest.fixture
def mailbox(smtp_controller) -> Mailbox:
    smtp_controller.handler.clear()
    return smtp_controller.handler


# ---- the app and its database ----------------------------------------------------------------------


@pytest.fixture(scope="session")
def database_url(tmp_path_factory, smtp_controller):
    """One migrated database for the rolled-back tests, built by the real migrations."""
    import flask_migrate

    email_validator.TEST_ENVIRONMENT = True  # lets tests use addresses such as ada@school.test
    url = fresh_database("unit", tmp_path_factory.mktemp("db"))
    app = create_app(settings_for(url, smtp_controller))
    with app.app_context():
        flask_migrate.upgrade()
        db.session.remove()
        db.engine.dispose()
    yield url
    drop_database(url)


@pytest.fixture
def committed_app(tmp_path, smtp_controller, app_settings):
    """An app on its own database whose commits are real, for tests of concurrent writers."""
    import flask_migrate

    url = fresh_database("concurrency", tmp_path)
    app = create_app(settings_for(url, smtp_controller, **app_settings))
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


@pytest.fixture
def app_settings() -> dict:
    """Override in a test module to change settings for its app."""
    return {}


@pytest.fixture
def app(database_url, smtp_controller, mailbox, app_settings):
    """The app with its engine swapped for one connection inside a transaction rolled back at the end.

    Every request and every ``with app.app_context()`` block gets its own session on that connection,
    joined through a savepoint, so the app's own commits work and are still undone after the test.
    """
    app = create_app(settings_for(database_url, smtp_controller, **app_settings))
    db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    limiter.reset()
    with app.app_context():
        engine = db.engine
        connection = engine.connect()
        transaction = connection.begin()
        db.engines[None] = connection
    yield app
    with app.app_context():
        db.engines[None] = engine
    transaction.rollback()
    connection.close()
    engine.dispose()


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "BEGIN", "COMMIT")


class QueryCounter:
    """Counts the SQL statements sent while it is active (``with counter: ...``)."""

    def __init__(self):
        self.statements: list[str] = []

    def _record(self, conn, cursor, statement, parameters, context, executemany):
        self.statements.append(statement)

    def __enter__(self):
        self.statements.clear()
        event.listen(Engine, "before_cursor_execute", self._record)
        return self

    def __exit__(self, *exc):
        event.remove(Engine, "before_cursor_execute", self._record)

    @property
    def count(self) -> int:
        return len(self.statements)

    @property
    def data_statements(self) -> list[str]:
        """The statements without transaction control (the rolled-back test transaction adds savepoints
        where production sends a BEGIN or nothing), so a count means the same here as in production."""
        return [s for s in self.statements if not s.lstrip().upper().startswith(TRANSACTION_CONTROL)]


@pytest.fixture
def count_queries() -> QueryCounter:
    return QueryCounter()


@pytest.fixture
def client(app):
    app.test_client_class = ServerClient
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def learner(app, auth, course):
    """A learner holding an active grant to the test module's own ``course`` fixture, logged in."""
    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    return user


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


# ---- the browser -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def live_server(tmp_path_factory, smtp_controller):
    """The real app on a real port with its own committed database, the shipped courses, and the Stripe
    stand-in delivering signed webhooks to it, for the browser."""
    import flask_migrate

    from coursehub.billing.products import sync_products
    from coursehub.content.bundles import load_bundles
    from coursehub.stripe_fake import FakeStripe

    url = fresh_database("live", tmp_path_factory.mktemp("live"))
    # A copy of the demo media: uploads from the browser must never overwrite the committed files.
    video_root = shutil.copytree(PROJECT_ROOT / "media" / "demo", tmp_path_factory.mktemp("media") / "demo")
    port = free_port()
    fake = FakeStripe(
        "sk_test_live_server_suite",
        webhook_url=f"http://127.0.0.1:{port}/stripe/webhook",
        production=False,
        redirect_wait=5,
    )
    fake.start()
    app = create_app(
        settings_for(
            url,
            smtp_controller,
            BASE_URL=f"http://127.0.0.1:{port}",
            TESTING=False,
            VIDEO_ROOT=str(video_root),
            STRIPE_SECRET_KEY=fake.api_key,
            STRIPE_API_BASE=fake.base_url,
            STRIPE_WEBHOOK_SECRET=fake.webhook_secret,
        )
    )
    with app.app_context():
        flask_migrate.upgrade()
        courses = load_catalog(COURSES_DIR)
        import_catalog(courses, publish=True)
        sync_products(courses, load_bundles(COURSES_DIR, courses))
        db.session.commit()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
        fake.stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        drop_database(url)


@pytest.fixture(scope="session")
def base_url(live_server):
    return live_server.config["BASE_URL"]


@pytest.fixture(scope="session", autouse=True)
def _verify_url():
    """pytest-base-url's version GETs base_url, which would start the live server for every run."""
