"""Two app servers recording heartbeats for the same lesson at the same moment keep the larger one."""

import threading

import pytest
from sqlalchemy import select

from coursehub.accounts.models import User
from coursehub.content.models import Lesson
from coursehub.core.extensions import db
from coursehub.learning.models import LessonProgress
from coursehub.learning.progress import record_heartbeat
from tests.databases import require_postgres
from tests.factories import make_course, make_user


@pytest.fixture(autouse=True)
def _on_postgres():
    require_postgres()


def heartbeat(app, user_id, lesson_id, position, reported_at, barrier, errors):
    try:
        with app.app_context():
            user, lesson = db.session.get(User, user_id), db.session.get(Lesson, lesson_id)
            barrier.wait(timeout=10)
            record_heartbeat(user, lesson, position, reported_at)
            db.session.commit()
    except Exception as error:
        errors.append(error)


def test_concurrent_heartbeats_keep_the_larger_furthest_point(committed_app):
    app = committed_app
    user = make_user(app)
    course = make_course(app, lessons=1, preview=())
    lesson_id = course.lesson_ids[0]
    for round_number in range(20):
        base = round_number * 2.0
        barrier, errors = threading.Barrier(2), []
        threads = [
            threading.Thread(
                target=heartbeat,
                args=(
                    app,
                    user.id,
                    lesson_id,
                    base + offset,
                    1000 * round_number + int(offset),
                    barrier,
                    errors,
                ),
            )
            for offset in (1.0, 2.0)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=20)
        assert errors == []
        with app.app_context():
            row = db.session.scalar(select(LessonProgress).where(LessonProgress.lesson_id == lesson_id))
            assert row.furthest_seconds == base + 2.0, f"round {round_number}"
