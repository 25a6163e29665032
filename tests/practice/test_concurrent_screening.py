"""Twenty submits of the same screening at once (a double click, a retrying phone): none fails."""

import threading

import pytest

from coursehub.practice.models import Consent, ScreeningAnswer
from tests.databases import POSTGRES_URL
from tests.factories import grant, make_course, make_user
from tests.helpers import AuthActions, count_rows
from tests.practice.support import all_no

pytestmark = pytest.mark.skipif(not POSTGRES_URL, reason="row-level concurrency is tested on PostgreSQL")
CALLERS = 20


def test_twenty_concurrent_screening_submits_store_one_answer_and_one_consent(committed_app):
    app = committed_app
    user = make_user(app)
    course = make_course(app, preview=())
    grant(app, user, course)
    path = f"/practice/courses/{course.slug}/screening"
    forms = []
    for _ in range(CALLERS):
        auth = AuthActions(app.test_client())
        auth.login(user.email, user.password)
        forms.append((auth.client, {**all_no(), "consent": "y", "csrf_token": auth.csrf_token(path)}))
    barrier, statuses = threading.Barrier(CALLERS), []

    def submit(client, data):
        barrier.wait(timeout=30)
        statuses.append(client.post(path, data=data).status_code)

    threads = [threading.Thread(target=submit, args=form) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [302] * CALLERS
    assert count_rows(app, ScreeningAnswer, user_id=user.id, course_id=course.id) == 1
    assert count_rows(app, Consent, user_id=user.id) == 1
