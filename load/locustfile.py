"""Locust users for ``make load``: learners watching lessons with heartbeats, and buyers paying once.

Started by ``load/run.py`` (never on its own); it reads the plan (accounts, lessons, courses, the Stripe
stand-in's address) from the JSON file in ``LOAD_PLAN`` and writes what it sent to ``LOAD_RESULTS``.
"""

from __future__ import annotations

import itertools
import json
import os
import re

import requests
from locust import HttpUser, between, events, task
from locust.exception import StopUser

with open(os.environ["LOAD_PLAN"]) as plan_file:
    PLAN = json.load(plan_file)
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_learner_numbers = itertools.count()
_buyer_numbers = itertools.count()
# (user email, lesson id) -> the position of the last heartbeat the app acknowledged
acknowledged: dict[str, float] = {}
purchases: list[str] = []


def _log_in(user: HttpUser, email: str) -> None:
    token = CSRF.search(user.client.get("/login").text).group(1)
    response = user.client.post(
        "/login",
        data={"email": email, "password": PLAN["password"], "csrf_token": token},
        allow_redirects=False,
    )
    if response.status_code != 302:
        raise StopUser()


class Learner(HttpUser):
    fixed_count = PLAN["learners"]
    wait_time = between(0.5, 1.5)

    def on_start(self) -> None:
        self.email = PLAN["learner_emails"][next(_learner_numbers)]
        _log_in(self, self.email)
        self.clock = 1_700_000_000_000
        self.lessons = itertools.cycle(PLAN["lessons"])
        self._open(next(self.lessons))

    def _open(self, lesson: dict) -> None:
        self.lesson, self.position = lesson, 0.0
        page = self.client.get(lesson["url"], name="lesson page")
        match = CSRF.search(page.text)
        self.token = match.group(1) if match else ""

    @task(8)
    def heartbeat(self) -> None:
        self.position = min(self.position + 5.0, self.lesson["duration"] - 1)
        self.clock += 5000
        response = self.client.post(
            f"/api/lessons/{self.lesson['id']}/progress",
            json={"position": self.position, "reported_at": self.clock},
            headers={"X-CSRFToken": self.token},
            name="heartbeat",
        )
        if response.status_code == 200:
            acknowledged[f"{self.email}|{self.lesson['id']}"] = self.position

    @task(1)
    def next_lesson(self) -> None:
        self._open(next(self.lessons))


class Buyer(HttpUser):
    """Buys one course through the stand-in, then has its webhooks duplicated and delivered in reverse."""

    fixed_count = PLAN["buyers"]
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        number = next(_buyer_numbers)
        self.email = PLAN["buyer_emails"][number]
        self.course = PLAN["paid_courses"][number % len(PLAN["paid_courses"])]
        self.fake = requests.Session()
        self.fake.headers["Authorization"] = f"Bearer {PLAN['stripe_key']}"
        _log_in(self, self.email)

    @task
    def buy(self) -> None:
        page = self.client.get(f"/courses/{self.course}", name="course page")
        token = CSRF.search(page.text).group(1)
        started = self.client.post(
            f"/courses/{self.course}/buy", data={"csrf_token": token}, allow_redirects=False, name="buy"
        )
        if started.status_code != 303:
            raise StopUser()
        pay_url = started.headers["Location"]
        session_id = pay_url.rstrip("/").rsplit("/", 1)[1]
        self.fake.post(pay_url, data={"action": "pay"}, allow_redirects=False, timeout=30)
        purchases.append(session_id)
        mine = [
            event["id"]
            for event in self.fake.get(f"{PLAN['stripe_base']}/_fake/events", timeout=30).json()["data"]
            if session_id in event["body"]
        ]
        for event_id in mine:
            self.fake.post(f"{PLAN['stripe_base']}/_fake/events/{event_id}/duplicate", timeout=30)
        self.fake.post(
            f"{PLAN['stripe_base']}/_fake/events/deliver_reversed",
            data={f"ids[{i}]": event_id for i, event_id in enumerate(mine)},
            timeout=30,
        )
        self.client.get(f"/checkout/success?session_id={session_id}", name="success page")
        raise StopUser()


@events.quitting.add_listener
def _write_results(environment, **_kwargs) -> None:
    with open(os.environ["LOAD_RESULTS"], "w") as results:
        json.dump({"acknowledged": acknowledged, "purchases": purchases}, results)
