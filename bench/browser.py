"""A minimal browser for setting up the load: logs in through the real form and keeps the cookies.

The app runs with production settings, so its cookies are marked Secure; a real browser would not send
them over plain HTTP, but the benchmark talks to gunicorn on loopback without the TLS proxy, so it
keeps and sends them itself.
"""

from __future__ import annotations

import html
import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
CSRF_DATA = re.compile(r'data-csrf-token="([^"]+)"')


class Browser:
    def __init__(self, base_url: str):
        host, port = base_url.removeprefix("http://").split(":")
        self.host, self.port = host, int(port)
        self.cookies: dict[str, str] = {}

    @property
    def cookie_header(self) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        """:return: (status, response headers, body text)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            conn.request(method, path, body=body or None, headers={**self.cookie_header, **(headers or {})})
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, response.headers, text
        finally:
            conn.close()

    def log_in(self, email: str, password: str) -> None:
        _, _, page = self.request("GET", "/login")
        token = html.unescape(CSRF_FIELD.search(page).group(1))
        form = urlencode({"email": email, "password": password, "csrf_token": token})
        status, headers, _ = self.request(
            "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302 or "/login" in (headers.get("Location") or ""):
            raise RuntimeError(f"logging in as {email} failed (HTTP {status})")

    def csrf_token_on(self, path: str) -> str:
        """The token a page hands its script (the lesson page's progress reports use it)."""
        status, _, page = self.request("GET", path)
        match = CSRF_DATA.search(page)
        if status != 200 or match is None:
            raise RuntimeError(f"{path} answered {status} without a CSRF token for its script")
        return html.unescape(match.group(1))
