"""``FakeStripe``: the fake on a real loopback port in a background thread, for tests and the offline demo.

It refuses to bind anything but a loopback address, to use a live key, or to run in production: it is a
stand-in that takes no money, and nothing outside this machine may mistake it for Stripe.
"""

from __future__ import annotations

import ipaddress
import secrets
import threading
from types import TracebackType

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from coursehub.stripe_fake.app import DEFAULT_API_KEY, FakeStripeRefused, Runtime, check_safe, create_fake_app
from coursehub.stripe_fake.state import Store


class _QuietHandler(WSGIRequestHandler):
    """No access log per request: the demo's terminal belongs to CourseHub's own output."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Deliberately silent."""


def _check_loopback(host: str) -> None:
    if host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise FakeStripeRefused(f"The local Stripe stand-in binds only to a loopback address, not {host!r}.")


class FakeStripe:
    """Start with ``start()`` (or ``with FakeStripe(...) as fake:``); point the SDK at ``base_url``.

    ``webhook_secret`` defaults to a fresh ``whsec_`` value; ``webhook_url`` may be set later through the
    attribute of the same name. ``port=0`` picks a free port.
    """

    def __init__(
        self,
        api_key: str = DEFAULT_API_KEY,
        webhook_url: str | None = None,
        webhook_secret: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        deliver: bool = True,
        production: bool = False,
        attempts: int = 4,
        retry_delays: tuple[float, ...] = (0.25, 1.0, 2.0),
        redirect_wait: float = 10.0,
    ):
        check_safe(api_key, production)
        _check_loopback(host)
        self.api_key = api_key
        self.webhook_secret = webhook_secret or "whsec_" + secrets.token_hex(24)
        self.host = host
        self.port = port
        self.store = Store()
        self._options = {
            "webhook_url": webhook_url,
            "deliver": deliver,
            "attempts": attempts,
            "retry_delays": retry_delays,
            "redirect_wait": redirect_wait,
        }
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None
        self._runtime: Runtime | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeStripe is not started")
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self._server.server_port}"

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            raise RuntimeError("FakeStripe is not started")
        return self._runtime

    @property
    def webhook_url(self) -> str | None:
        deliverer = self._runtime.deliverer if self._runtime else None
        return getattr(deliverer, "url", self._options["webhook_url"])

    @webhook_url.setter
    def webhook_url(self, url: str | None) -> None:
        self._options["webhook_url"] = url
        if self._runtime is not None and hasattr(self._runtime.deliverer, "url"):
            self._runtime.deliverer.url = url

    def start(self) -> FakeStripe:
        if self._server is not None:
            return self
        server = make_server(self.host, self.port, None, threaded=True, request_handler=_QuietHandler)
        base = f"http://{f'[{self.host}]' if ':' in self.host else self.host}:{server.server_port}"
        app = create_fake_app(
            self.api_key,
            webhook_secret=self.webhook_secret,
            public_url=base,
            store=self.store,
            **self._options,
        )
        server.app = app
        self._runtime = app.extensions["stripe_fake"]
        self._server = server
        # A short poll interval keeps stop() quick; shutdown() waits for the loop's next poll.
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="stripe-fake-http", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server.server_close()
        if self._runtime is not None:
            self._runtime.close()
        self._server = self._thread = None

    def wait_for_deliveries(self, timeout: float = 10.0) -> bool:
        """Block until every queued webhook has been answered with 2xx or has used up its attempts."""
        return self.runtime.deliverer.wait_idle(timeout)

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()
