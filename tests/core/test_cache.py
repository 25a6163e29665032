"""The shared cache's stores and versions: what one worker keeps, another drops once the version moves;
a version moves only after a commit that changed something; a store that fails never fails a request."""

import logging
import time
import uuid

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from coursehub.content.models import Course
from coursehub.core.cache import LocalStore, RedisStore, mark_changed, store
from coursehub.core.extensions import db
from coursehub.core.paths import PROJECT_ROOT
from tests.factories import make_course
from tests.helpers import CACHE_REDIS_URL as REDIS_URL
from tests.helpers import page_text, redis_answers

needs_redis = pytest.mark.skipif(not redis_answers(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def redis_prefix():
    import redis

    prefix = f"test-{uuid.uuid4().hex[:16]}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    keys = list(client.scan_iter(f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture(params=["local", pytest.param("redis", marks=needs_redis)])
def two_workers(request, tmp_path):
    """Two stores as two worker processes of one server see them: a shared folder, or a shared Redis."""
    if request.param == "local":
        yield LocalStore(tmp_path, "school"), LocalStore(tmp_path, "school")
        return
    prefix = request.getfixturevalue("redis_prefix")
    yield RedisStore(REDIS_URL, prefix), RedisStore(REDIS_URL, prefix)


def test_a_bump_in_one_worker_drops_what_another_kept(two_workers):
    first, second = two_workers
    version, page = first.lookup("catalog", "home")
    assert page is None
    first.keep("catalog", "home", version, "<p>old</p>", 60)
    assert first.lookup("catalog", "home") == (version, "<p>old</p>")
    assert second.lookup("catalog", "home")[0] == version
    second.bump("catalog")
    moved, page = first.lookup("catalog", "home")
    assert moved != version and page is None
    assert first.lookup("catalog", "courses")[0] == moved  # every key of the namespace at once


def test_an_entry_ends_with_its_lifetime(two_workers):
    first, _ = two_workers
    version, _ = first.lookup("catalog", "home")
    first.keep("catalog", "home", version, "<p>soon stale</p>", 0.05)
    time.sleep(0.15)
    assert first.lookup("catalog", "home") == (version, None)


def test_a_lost_version_comes_back_new_so_old_entries_stay_dropped(tmp_path):
    worker = LocalStore(tmp_path, "school")
    version, _ = worker.lookup("catalog", "home")
    worker.keep("catalog", "home", version, "<p>old</p>", 60)
    (tmp_path / "school.catalog.version").unlink()
    fresh, page = worker.lookup("catalog", "home")
    assert fresh != version and page is None


@needs_redis
def test_a_lost_version_in_redis_comes_back_new(redis_prefix):
    import redis

    worker = RedisStore(REDIS_URL, redis_prefix)
    version, _ = worker.lookup("catalog", "home")
    worker.keep("catalog", "home", version, "<p>old</p>", 60)
    redis.Redis.from_url(REDIS_URL).delete(f"{redis_prefix}:version:catalog")
    fresh, page = worker.lookup("catalog", "home")
    assert fresh != version and page is None


@pytest.fixture
def app_settings():
    """The in-process store under a prefix of this test's own; its version files are removed after."""
    prefix = f"test-{uuid.uuid4().hex[:16]}"
    yield {"CACHE_PREFIX": prefix}
    for path in (PROJECT_ROOT / "instance" / "cache").glob(f"{prefix}.*"):
        path.unlink()


def current_version(app) -> str:
    with app.app_context():
        return store().lookup("catalog", "home")[0]


def test_a_mark_moves_the_version_on_commit_and_not_on_rollback(app):
    """As the studio's publish does: a bulk UPDATE the flush never sees, then a mark by hand."""
    course = make_course(app)
    before = current_version(app)
    rename = update(Course).where(Course.id == course.id).values(title="Renamed")
    with app.app_context():
        db.session.execute(rename)
        mark_changed("catalog")
        db.session.rollback()
        db.session.commit()
    assert current_version(app) == before
    with app.app_context():
        db.session.execute(rename)
        mark_changed("catalog")
        db.session.commit()
    assert current_version(app) != before


def test_a_watched_row_moves_the_version_only_when_a_value_changes(app):
    course = make_course(app)
    before = current_version(app)
    with app.app_context():
        row = db.session.get(Course, course.id)
        row.title = row.title
        db.session.commit()
    assert current_version(app) == before
    with app.app_context():
        db.session.get(Course, course.id).title = "Renamed"
        db.session.commit()
    assert current_version(app) != before


def test_a_commit_outside_the_app_is_logged_not_raised(app, caplog):
    course = make_course(app)
    with app.app_context():
        connection = db.engine  # the test's connection, inside its rolled-back transaction
    with Session(bind=connection, join_transaction_mode="create_savepoint") as session:
        session.get(Course, course.id).title = "Renamed by a script"
        session.commit()
    assert "a commit outside the app changed ['catalog']" in caplog.text


@pytest.mark.parametrize(
    "app_settings", [{"REDIS_URL": "redis://127.0.0.1:1/0", "RATELIMIT_STORAGE_URI": "memory://"}]
)
def test_without_its_redis_the_home_is_built_and_writes_still_commit(app, client, caplog):
    with caplog.at_level(logging.WARNING, logger="coursehub.cache"):
        course = make_course(app, title="Hip Release")  # its commit cannot move the version
        response = client.get("/")
    assert response.status_code == 200 and "Hip Release" in page_text(response)
    assert "cache version of catalog not moved" in caplog.text
    assert "cache lookup failed; the page is built without it" in caplog.text
    with app.app_context():
        assert db.session.get(Course, course.id).title == "Hip Release"
