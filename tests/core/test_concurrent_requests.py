"""Twenty requests at once against a real threaded server: queued writers, never a 5xx, on both backends.

A double tap on a phone, a tab restored with its beacon, a learner leaving one lesson for the next: the
default SQLite database used to answer these with "database is locked".
"""

from __future__ import annotations

import threading

import pytest
import requests
from sqlalchemy import select

from coursehub.core.extensions import db
from coursehub.learning.models import Entitlement
from coursehub.quizzes.models import QuizAttempt
from coursehub.stripe_fake import FakeStripe
from tests.factories import grant, make_course, make_product, make_quiz, make_user
from tests.helpers import csrf_token_from, free_port, serving
from tests.quizzes.test_concurrent_submit import full_form

API_KEY = "sk_test_concurrent_requests_0123"
PARALLEL = 20


@pytest.fixture(scope="module")
def stripe_fake():
    with FakeStripe(API_KEY, deliver=False, production=False, redirect_wait=0) as fake:
        yield fake


@pytest.fixture
def port():
    return free_port()


@pytest.fixture
def app_settings(stripe_fake, port):
    return {
        "STRIPE_SECRET_KEY": API_KEY,
        "STRIPE_API_BASE": stripe_fake.base_url,
        "STRIPE_WEBHOOK_SECRET": "whsec_concurrent_requests",
        "BASE_URL": f"http://127.0.0.1:{port}",
        "RATELIMIT_ENABLED": False,
        "TESTING": False,
    }


@pytest.fixture
def school(committed_app, port, stripe_fake):
    """The server, a learner with a paid course of their own, a quiz on it, and a course still to buy."""
    app = committed_app
    # Each test's database numbers its orders from 1 again: the stand-in must forget older idempotency keys.
    reset = f"{stripe_fake.base_url}/_fake/reset"
    requests.post(reset, headers={"Authorization": f"Bearer {API_KEY}"}, timeout=10).raise_for_status()
    owned = make_course(app, lessons=3, preview=())
    for_sale = make_course(app, preview=())
    make_product(app, [for_sale], slug=for_sale.slug, price=4900)
    make_quiz(app, owned)
    user = make_user(app)
    grant(app, user, owned, enroll=True)
    with serving(app, port) as base:
        browser = requests.Session()
        token = csrf_token_from(browser.get(f"{base}/login", timeout=10).text)
        data = {"email": user.email, "password": user.password, "csrf_token": token}
        assert browser.post(f"{base}/login", data=data, allow_redirects=False, timeout=10).status_code == 302
        token = csrf_token_from(browser.get(f"{base}/account/password", timeout=10).text)  # a new session
        yield base, browser, token, owned, for_sale, user


def all_at_once(browser: requests.Session, calls) -> list[int]:
    """Send each ``(method, url, data)`` from its own connection, released together; :return: statuses."""
    barrier, statuses, errors = threading.Barrier(len(calls)), [], []

    def send(method, url, data):
        with requests.Session() as own:
            own.cookies.update(browser.cookies)
            barrier.wait(timeout=20)
            try:
                statuses.append(
                    own.request(method, url, data=data, allow_redirects=False, timeout=60).status_code
                )
            except requests.RequestException as error:
                errors.append(error)

    threads = [threading.Thread(target=send, args=call) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert errors == []
    assert len(statuses) == len(calls)
    return statuses


def test_twenty_heartbeats_at_once_are_all_recorded(school):
    base, browser, token, owned, *_ = school
    url = f"{base}/api/lessons/{owned.lesson_ids[0]}/progress"
    calls = [
        ("POST", url, {"csrf_token": token, "position": str(n), "reported_at": str(1000 + n)})
        for n in range(PARALLEL)
    ]
    assert all_at_once(browser, calls) == [200] * PARALLEL


def test_twenty_mark_completes_at_once_all_succeed(school):
    base, browser, token, owned, *_ = school
    url = f"{base}/courses/{owned.slug}/lessons/{owned.lesson_slugs[1]}/complete"
    assert (
        all_at_once(browser, [("POST", url, {"csrf_token": token, "done": "1"})] * PARALLEL)
        == [302] * PARALLEL
    )


def test_the_leaving_beacon_and_the_next_lesson_page_both_succeed(school):
    base, browser, token, owned, *_ = school
    beacon = f"{base}/api/lessons/{owned.lesson_ids[0]}/progress"
    next_page = f"{base}/courses/{owned.slug}/lessons/{owned.lesson_slugs[1]}"
    for round_number in range(10):
        report = {"csrf_token": token, "position": "12.5", "reported_at": str(5000 + round_number)}
        assert all_at_once(browser, [("POST", beacon, report), ("GET", next_page, None)]) == [200, 200]


def test_twenty_submits_of_one_quiz_attempt_grade_it_once(school, committed_app):
    base, browser, token, owned, *_ = school
    quiz_url = f"{base}/courses/{owned.slug}/modules/module-1/quiz"
    started = browser.post(
        f"{quiz_url}/attempts", data={"csrf_token": token}, allow_redirects=False, timeout=10
    )
    assert started.status_code == 303
    attempt_id = int(started.headers["Location"].rsplit("/", 1)[1])
    with committed_app.app_context():
        form = full_form(db.session.get(QuizAttempt, attempt_id)).to_dict()
    statuses = all_at_once(
        browser, [("POST", f"{quiz_url}/attempts/{attempt_id}", {**form, "csrf_token": token})] * PARALLEL
    )
    assert sorted(statuses) == [303] + [409] * (PARALLEL - 1)


def test_twenty_buy_presses_at_once_all_reach_checkout(school):
    base, browser, token, _owned, for_sale, _user = school
    url = f"{base}/courses/{for_sale.slug}/buy"
    assert all_at_once(browser, [("POST", url, {"csrf_token": token})] * PARALLEL) == [303] * PARALLEL


def test_twenty_success_page_polls_at_once_fulfil_the_order_once(school, committed_app):
    base, browser, token, _owned, for_sale, user = school
    bought = browser.post(
        f"{base}/courses/{for_sale.slug}/buy", data={"csrf_token": token}, allow_redirects=False, timeout=10
    )
    pay_url = bought.headers["Location"]
    assert requests.post(pay_url, data={"action": "pay"}, allow_redirects=False, timeout=10).status_code < 400
    session_id = pay_url.rstrip("/").rsplit("/", 1)[1]
    statuses = all_at_once(
        browser, [("GET", f"{base}/checkout/success?session_id={session_id}", None)] * PARALLEL
    )
    assert statuses == [200] * PARALLEL
    with committed_app.app_context():
        rows = db.session.scalars(
            select(Entitlement).where(Entitlement.user_id == user.id, Entitlement.course_id == for_sale.id)
        ).all()
        assert len(rows) == 1
