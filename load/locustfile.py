"""Locust users for ``make load``: learners watching lessons with heartbeats, and buyers paying once.

Started by ``load/run.py`` (never on its own); it reads the plan (accounts, lessons, courses, the Stripe
stand-in's address, how long to watch) from the JSON file in ``LOAD_PLAN`` and writes what happened to
``LOAD_RESULTS``: each heartbeat's outcome per learner and lesson, who could not log in, each buyer's
purchase, when the last user arrived and when the run stopped, and locust's own count of requests and
failures per endpoint.

The run stops ``watch_seconds`` after the last user has logged in (or given up), so every learner has
that long however slowly the log-ins went; ``--run-time`` stays the hard limit. Every request has a
timeout (``network_timeout``); locust counts a timeout, a reset connection or an unexpected status as a
failure of its endpoint. No user ever stops itself (``StopUser``): locust would spawn a replacement.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time

import gevent
from gevent.event import Event
from locust import HttpUser, between, constant, events, task
from locust.clients import HttpSession

with open(os.environ["LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
LOGIN_ATTEMPTS = 3
SUCCESS_PAGE_VISITS = 6  # the page refreshes itself while the payment is "processing"
WEBHOOK_BATCH = 5  # the newest purchases' events, delivered again newest first

_learner_numbers = itertools.count()
_buyer_numbers = itertools.count()
# "email|lesson id" -> the last position the app answered 200 to, and those sent after it without a 200
# (refused, timed out, or still in flight when the run stopped: the app may or may not have stored them).
heartbeats: dict[str, dict] = {}
not_logged_in: list[str] = []
purchases: dict[str, str] = {}  # buyer email -> "paid", or what went wrong
arrived: list[str] = []  # users who have logged in or given up
everyone_arrived = Event()
run_clock: dict[str, float] = {}  # monotonic times of the start, the last arrival and the stop


class SchoolUser(HttpUser):
    abstract = True
    connection_timeout = 10.0
    network_timeout = 30.0

    def arrive(self, email: str) -> None:
        """Log in (``self.logged_in`` says whether it worked) and count the arrival."""
        self.email = email
        self.logged_in = self._log_in()
        if not self.logged_in:
            not_logged_in.append(email)
        arrived.append(email)
        if len(arrived) == PLAN["learners"] + PLAN["buyers"]:
            everyone_arrived.set()

    def _log_in(self) -> bool:
        """Log in, trying again twice after a failure (each one is in locust's failures)."""
        for attempt in range(LOGIN_ATTEMPTS):
            if attempt:
                gevent.sleep(2**attempt)
            match = CSRF.search(self.client.get("/login").text or "")
            if match is None:
                continue
            data = {"email": self.email, "password": PLAN["password"], "csrf_token": match.group(1)}
            with self.client.post("/login", data=data, allow_redirects=False, catch_response=True) as answer:
                if answer.status_code == 302:
                    return True
                answer.failure(f"log-in answered {answer.status_code}")
        return False


class Learner(SchoolUser):
    """Opens the free course's lessons one after another and reports playback every few seconds."""

    fixed_count = PLAN["learners"]
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.arrive(PLAN["learner_emails"][next(_learner_numbers)])
        self.clock = 1_700_000_000_000  # the player's Date.now(), moving on 5 s per report
        self.lessons = itertools.cycle(PLAN["lessons"])
        if self.logged_in:
            self._open(next(self.lessons))

    def _open(self, lesson: dict) -> None:
        self.lesson, self.position = lesson, 0.0
        page = self.client.get(lesson["url"], name="lesson page")
        match = CSRF.search(page.text or "")
        self.token = match.group(1) if match else ""

    @task(8)
    def heartbeat(self) -> None:
        if not self.logged_in:
            return
        self.position = min(self.position + 5.0, self.lesson["duration"] - 1)
        self.clock += 5000
        sent = heartbeats.setdefault(
            f"{self.email}|{self.lesson['id']}", {"acknowledged": None, "unconfirmed": []}
        )
        sent["unconfirmed"].append(self.position)  # until answered: the run may end while it is in flight
        response = self.client.post(
            f"/api/lessons/{self.lesson['id']}/progress",
            json={"position": self.position, "reported_at": self.clock},
            headers={"X-CSRFToken": self.token},
            name="heartbeat",
        )
        if response.status_code == 200:
            sent.update(acknowledged=self.position, unconfirmed=[])

    @task(1)
    def next_lesson(self) -> None:
        if self.logged_in:
            self._open(next(self.lessons))


class Buyer(SchoolUser):
    """Buys one course through the stand-in, its webhook coming twice more and out of order; then idles."""

    fixed_count = PLAN["buyers"]
    wait_time = constant(1)

    def on_start(self) -> None:
        number = next(_buyer_numbers)
        self.course = PLAN["paid_courses"][number % len(PLAN["paid_courses"])]
        self.stripe = HttpSession(
            base_url=PLAN["stripe_base"], request_event=self.environment.events.request, user=self
        )
        self.stripe.headers["Authorization"] = f"Bearer {PLAN['stripe_key']}"
        self.arrive(PLAN["buyer_emails"][number])

    @task
    def buy(self) -> None:
        if self.logged_in and self.email not in purchases:
            purchases[self.email] = self._buy()

    def _buy(self) -> str:
        """:return: "paid" once the success page says the course is theirs, otherwise what went wrong."""
        match = CSRF.search(self.client.get(f"/courses/{self.course}", name="course page").text or "")
        if match is None:
            return "no Buy form on the course page"
        with self.client.post(
            f"/courses/{self.course}/buy",
            data={"csrf_token": match.group(1)},
            allow_redirects=False,
            name="buy",
            catch_response=True,
        ) as started:
            if started.status_code != 303:
                started.failure(f"Buy answered {started.status_code}")
                return f"Buy answered {started.status_code}"
        pay_url = started.headers["Location"]
        session_id = pay_url.rstrip("/").rsplit("/", 1)[1]
        self.stripe.post(pay_url, data={"action": "pay"}, allow_redirects=False, name="stripe: pay")
        self._redeliver(session_id)
        return self._wait_until_paid(session_id)

    def _redeliver(self, session_id: str) -> None:
        """Duplicate this purchase's event, then send the newest purchases' events again, newest first."""
        listed = self.stripe.get(
            "/_fake/events", params={"type": "checkout.session.completed"}, name="stripe: events"
        )
        if not listed.ok:
            return
        events_so_far = listed.json()["data"]
        mine = [event["id"] for event in events_so_far if session_id in event["body"]]
        for event_id in mine:
            self.stripe.post(f"/_fake/events/{event_id}/duplicate", name="stripe: duplicate event")
        batch = [event["id"] for event in events_so_far[-WEBHOOK_BATCH:]]
        batch += [event_id for event_id in mine if event_id not in batch]
        self.stripe.post(
            "/_fake/events/deliver_reversed",
            data={f"ids[{i}]": event_id for i, event_id in enumerate(batch)},
            name="stripe: deliver reversed",
        )

    def _wait_until_paid(self, session_id: str) -> str:
        for visit in range(SUCCESS_PAGE_VISITS):
            if visit:
                gevent.sleep(2)
            with self.client.get(
                f"/checkout/success?session_id={session_id}", name="success page", catch_response=True
            ) as page:
                if not page.ok:
                    continue
                if "is yours" in page.text:
                    return "paid"
                if "Payment processing" not in page.text:
                    page.failure("the success page shows neither the course nor 'processing'")
                    return "the success page shows neither the course nor 'processing'"
        return "still processing after the success page's last visit"


@events.test_start.add_listener
def _start_the_clock(environment, **_kwargs) -> None:
    run_clock["start"] = time.monotonic()
    gevent.spawn(_quit_after_watching, environment)


def _quit_after_watching(environment) -> None:
    everyone_arrived.wait()
    run_clock["last arrival"] = time.monotonic()
    gevent.sleep(PLAN["watch_seconds"])
    environment.runner.quit()


@events.test_stopping.add_listener
def _stop_the_clock(**_kwargs) -> None:
    run_clock.setdefault("stopping", time.monotonic())


@events.quitting.add_listener
def _write_results(environment, **_kwargs) -> None:
    stats = environment.stats
    with open(os.environ["LOAD_RESULTS"], "w") as results:
        json.dump(
            {
                "heartbeats": heartbeats,
                "not_logged_in": not_logged_in,
                "purchases": purchases,
                "arrived": len(arrived),
                "seconds": {moment: round(at - run_clock["start"]) for moment, at in run_clock.items()},
                "endpoints": {
                    f"{entry.method} {entry.name}": [entry.num_requests, entry.num_failures]
                    for entry in stats.entries.values()
                },
                "errors": [
                    [f"{error.method} {error.name}", str(error.error), error.occurrences]
                    for error in stats.errors.values()
                ],
            },
            results,
        )
