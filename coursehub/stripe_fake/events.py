"""Signing events and delivering them to the app's webhook, with bounded retries, from a background thread.

The signature is our own few lines of HMAC (Stripe's documented v1 scheme), not stripe-python's helper, so
the verification under test (``stripe.Webhook.construct_event``) is never checking its own output.
Delivery sits behind ``Deliverer`` so tests can switch it off and push the signed bodies through a Flask
test client themselves.
"""

from __future__ import annotations

import hashlib
import heapq
import hmac
import http.client
import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Protocol
from urllib.parse import urlsplit

from coursehub.stripe_fake.state import EventRecord

USER_AGENT = "Stripe/1.0 (+https://stripe.com/docs/webhooks)"


def signature_header(payload: str, secret: str, timestamp: int | None = None) -> str:
    """Stripe's v1 scheme: hex HMAC-SHA256 of ``"<t>.<raw body>"`` keyed with the endpoint secret."""
    t = int(time.time()) if timestamp is None else timestamp
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


class Deliverer(Protocol):
    enabled: bool

    def submit(self, record: EventRecord) -> None: ...

    def wait_first_attempt(self, event_id: str, timeout: float) -> None: ...

    def wait_idle(self, timeout: float) -> bool: ...

    def close(self) -> None: ...


class NoDelivery:
    """Events are only recorded; a test fetches ``/_fake/events`` and posts them where it likes."""

    enabled = False

    def submit(self, record: EventRecord) -> None:
        """Recorded already; nothing to send."""

    def wait_first_attempt(self, event_id: str, timeout: float) -> None:
        """No attempt will come, so there is nothing to wait for."""

    def wait_idle(self, timeout: float) -> bool:
        return True

    def close(self) -> None:
        """No worker to stop."""


@dataclass(order=True)
class _Job:
    due: float
    seq: int
    record: EventRecord = field(compare=False)
    attempt: int = field(compare=False, default=1)
    first_done: threading.Event = field(compare=False, default_factory=threading.Event)


class HttpDelivery:
    """POSTs each event to ``url`` from one worker thread; retries non-2xx and connection errors.

    A job is tried at most ``attempts`` times, waiting ``retry_delays[n]`` (the last value repeats) between
    tries; other events are not held up while one waits. Every try is appended to ``record.attempts``.
    Jobs due at the same moment go out in submission order, so a reversed batch arrives reversed.
    """

    def __init__(
        self,
        url: str | None,
        secret: str,
        lock: threading.RLock,
        attempts: int = 4,
        retry_delays: tuple[float, ...] = (0.25, 1.0, 2.0),
        timeout: float = 5.0,
    ):
        if attempts < 1 or not retry_delays:
            raise ValueError("delivery needs at least one attempt and one retry delay")
        self.url = url
        self.secret = secret
        self.attempts = attempts
        self.retry_delays = retry_delays
        self.timeout = timeout
        self._record_lock = lock
        self._heap: list[_Job] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._outstanding = 0
        self._first: dict[str, threading.Event] = {}
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def enabled(self) -> bool:
        return self.url is not None

    def submit(self, record: EventRecord) -> None:
        if self.url is None:
            return
        with self._cond:
            if self._stopping:
                return
            if self._thread is None:  # started on first use, so an app that never sends owns no thread
                self._thread = threading.Thread(target=self._run, name="stripe-fake-webhooks", daemon=True)
                self._thread.start()
            job = _Job(time.monotonic(), next(self._seq), record)
            self._first[record.event["id"]] = job.first_done
            heapq.heappush(self._heap, job)
            self._outstanding += 1
            self._cond.notify_all()

    def wait_first_attempt(self, event_id: str, timeout: float) -> None:
        """Like Checkout, which waits briefly for the webhook answer before redirecting the customer."""
        with self._cond:
            done = self._first.get(event_id)
        if done is not None:
            done.wait(timeout)

    def wait_idle(self, timeout: float) -> bool:
        """Block until every submitted job has succeeded or used up its attempts; False on timeout."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while self._outstanding:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._cond.wait(remaining)
        return True

    def close(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout=self.timeout + 1)

    def _next_job(self) -> _Job | None:
        with self._cond:
            while not self._stopping:
                now = time.monotonic()
                if self._heap and self._heap[0].due <= now:
                    return heapq.heappop(self._heap)
                self._cond.wait(self._heap[0].due - now if self._heap else None)
            return None

    def _run(self) -> None:
        while (job := self._next_job()) is not None:
            ok = self._attempt(job)
            job.first_done.set()
            with self._cond:
                if ok or job.attempt >= self.attempts or self.url is None:
                    self._outstanding -= 1
                    if self._first.get(job.record.event["id"]) is job.first_done:
                        del self._first[job.record.event["id"]]
                else:
                    delay = self.retry_delays[min(job.attempt - 1, len(self.retry_delays) - 1)]
                    job.attempt += 1
                    job.due, job.seq = time.monotonic() + delay, next(self._seq)
                    heapq.heappush(self._heap, job)
                self._cond.notify_all()

    def _attempt(self, job: _Job) -> bool:
        url = self.url
        header = signature_header(job.record.body, self.secret)
        status, error = None, None
        if url is None:
            error = "no webhook URL configured"
        else:
            try:
                status = _post(url, job.record.body, header, self.timeout)
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
        with self._record_lock:
            job.record.attempts.append(
                {
                    "attempt": job.attempt,
                    "at": time.time(),
                    "url": url,
                    "status": status,
                    "error": error,
                    "signature": header,
                }
            )
        return status is not None and 200 <= status < 300


def _post(url: str, body: str, header: str, timeout: float) -> int:
    """One POST without following redirects: like Stripe, a 3xx counts as a failed delivery."""
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname or "127.0.0.1", parts.port, timeout=timeout)
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        connection.request(
            "POST",
            path,
            body=body.encode(),
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Stripe-Signature": header,
                "User-Agent": USER_AGENT,
                "Cache-Control": "no-cache",
                "Accept": "*/*; q=0.5, application/xml",
            },
        )
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()
