"""Small helpers the tests share."""

import html
import re
import socket
import threading
from contextlib import contextmanager

from flask.testing import FlaskClient
from sqlalchemy import func, select
from werkzeug.serving import make_server

from coursehub.billing.models import Order
from coursehub.core.extensions import db

CSRF_PATTERN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
SCRIPT_CSRF_PATTERN = re.compile(r'data-csrf-token="([^"]+)"')
LINK_PATTERN = re.compile(r"https?://\S+")
CACHE_REDIS_URL = "redis://127.0.0.1:6379/14"  # the cache tests' database; each test uses its own prefix


def page_text(response) -> str:
    """The response body with HTML entities decoded, as a person would read the words."""
    return html.unescape(response.get_data(as_text=True))


def without_csrf_tokens(body: str) -> str:
    """The page with its CSRF tokens blanked: they carry a timestamp, so two renders a second apart differ."""
    return CSRF_PATTERN.sub('name="csrf_token" value=""', body)


def csrf_token_from(body: str) -> str:
    match = CSRF_PATTERN.search(body)
    assert match, "the page has no CSRF token"
    return match.group(1)


def csrf_token_on_lesson(response) -> str:
    """The token the lesson page hands its progress script (what the heartbeat posts back)."""
    match = SCRIPT_CSRF_PATTERN.search(response.get_data(as_text=True))
    assert match, "the lesson page has no CSRF token for its script"
    return html.unescape(match.group(1))


def links_in(message) -> list[str]:
    """The links in a mail's plain-text part."""
    return LINK_PATTERN.findall(message.get_body(preferencelist=("plain",)).get_content())


class ServerClient(FlaskClient):
    """Reads each response and then closes it, as a WSGI server does once the body has gone, so the
    app's close hooks (mail is sent after the response) have run when the test looks."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


class AuthActions:
    """Logs in through the real form, CSRF token and all."""

    def __init__(self, client):
        self.client = client

    def csrf_token(self, path: str = "/login") -> str:
        return csrf_token_from(self.client.get(path).get_data(as_text=True))

    def login(self, email: str, password: str, remember: bool = False, follow: bool = False):
        data = {"email": email, "password": password, "csrf_token": self.csrf_token()}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data, follow_redirects=follow)

    def logout(self):
        return self.client.post("/logout", data={"csrf_token": self.csrf_token("/")})

    def post(self, path: str, data: dict | None = None, form_page: str | None = None, **kwargs):
        """POST to ``path`` with the CSRF token from ``form_page`` (default: the same path)."""
        token = self.csrf_token(form_page or path)
        return self.client.post(path, data={**(data or {}), "csrf_token": token}, **kwargs)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def settings_for(database_url: str, smtp_controller, **extra) -> dict:
    """The app settings every test app starts from: its database and the test SMTP server."""
    return {
        "COURSEHUB_ENV": "test",
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-that-is-long-enough-for-everything",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SMTP_HOST": smtp_controller.hostname,
        "SMTP_PORT": smtp_controller.port,
        "SMTP_SECURITY": "none",
        "BASE_URL": "http://school.test",
        **extra,
    }


def lesson_url(course, index: int = 0) -> str:
    """The page of ``course``'s lesson number ``index`` (``course`` as the fixtures describe it)."""
    return f"/courses/{course.slug}/lessons/{course.lesson_slugs[index]}"


def count_rows(app, model, *where, **filter_by) -> int:
    """How many rows of ``model`` match, read in a fresh app context."""
    with app.app_context():
        query = select(func.count()).select_from(model).where(*where).filter_by(**filter_by)
        return db.session.scalar(query)


def only_order(app, with_product: bool = False):
    """The one order in the database, detached so its fields stay readable after the context ends."""
    with app.app_context():
        found = db.session.scalars(select(Order)).one()
        if with_product:
            db.session.expunge(found.product)
        db.session.expunge(found)
        return found


@contextmanager
def serving(app, port: int | None = None):
    """Serve ``app`` on a real port with threads, as ``flask demo serve`` does. :return: its base URL."""
    port = port or free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()


def redis_answers() -> bool:
    """Whether a Redis answers on 127.0.0.1:6379 (the tests that need one skip without it)."""
    try:
        socket.create_connection(("127.0.0.1", 6379), 0.5).close()
    except OSError:
        return False
    return True
