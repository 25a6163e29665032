"""Every route that shows lesson content or video, for every kind of user and every state of lesson.

The expected answer comes from the rule in DESIGN.md §3 written out as a table here, independently of
coursehub/learning/access.py, so a change to either one shows up as a failure.
"""

import re

import pytest

from coursehub.accounts.models import Role, User
from coursehub.content.models import Lesson
from coursehub.core.extensions import db
from coursehub.learning.media import media_url
from tests.factories import grant, make_course, make_user
from tests.helpers import AuthActions, page_text

USERS = ("visitor", "unverified", "no_entitlement", "active", "revoked", "suspended", "author", "admin")
STATES = ("draft", "published", "preview", "free_course", "drip_locked")
SECRET = "Only for those with access"


def expected_visible(user: str, state: str) -> bool:
    if user in ("author", "admin"):
        return True
    if state == "draft":
        return False
    if state == "preview":
        return True
    if state == "free_course":
        return user != "visitor"
    if state == "published":
        return user == "active"
    return False  # drip_locked: not even an active learner until the module opens


@pytest.fixture
def app_settings(tmp_path):
    (tmp_path / "clip.mp4").write_bytes(b"a tiny stand-in video")
    return {"VIDEO_ROOT": str(tmp_path)}


@pytest.fixture
def world(app):
    """One lesson in each state, and one user of each kind (the visitor has no account)."""
    paid = make_course(app, lessons=3, preview=(0,), body=SECRET)
    drafted = make_course(app, lessons=1, preview=(), body=SECRET)
    free = make_course(app, free=True, lessons=1, preview=(), body=SECRET)
    dripping = make_course(app, lessons=2, modules=2, drip_days=7, preview=(), body=SECRET)
    with app.app_context():
        db.session.get(Lesson, drafted.lesson_ids[0]).module.published_at = None
        db.session.commit()
    lessons = {
        "draft": (drafted, 0),
        "published": (paid, 1),
        "preview": (paid, 0),
        "free_course": (free, 0),
        "drip_locked": (dripping, 1),
    }
    users = {
        "unverified": make_user(app, verified=False),
        "no_entitlement": make_user(app),
        "author": make_user(app, role=Role.AUTHOR),
        "admin": make_user(app, role=Role.ADMIN),
    }
    for kind, status in (("active", "active"), ("revoked", "revoked"), ("suspended", "suspended")):
        users[kind] = make_user(app)
        for course in (paid, drafted, dripping):
            grant(app, users[kind], course, status=status, enroll=True)
    return lessons, users


def client_for(app, users, kind):
    client = app.test_client()
    if kind != "visitor":
        assert AuthActions(client).login(users[kind].email, users[kind].password).status_code == 302
    return client


def signed_media_url(app, users, kind, lesson_id):
    """The URL the app would hand this user; for the denied ones it is never on a page they can get."""
    with app.test_request_context():
        user = db.session.get(User, users[kind].id) if kind != "visitor" else _Visitor()
        return media_url(db.session.get(Lesson, lesson_id), "video", user)


class _Visitor:
    is_authenticated = False


@pytest.mark.parametrize("user", USERS)
def test_the_access_matrix(app, world, user):
    lessons, users = world
    client = client_for(app, users, user)
    csrf = AuthActions(client).csrf_token("/login" if user == "visitor" else "/")
    for state in STATES:
        course, index = lessons[state]
        allowed = expected_visible(user, state)
        where = f"{user} x {state}"
        page_url = f"/courses/{course.slug}/lessons/{course.lesson_slugs[index]}"
        lesson_id = course.lesson_ids[index]

        page = client.get(page_url)
        if allowed:
            assert page.status_code == 200, where
            assert SECRET in page_text(page), where
        else:
            assert page.status_code in (403, 404), where
            assert SECRET not in page_text(page) and "/media/" not in page_text(page), where

        with client.get(signed_media_url(app, users, user, lesson_id)) as media:
            assert media.status_code == (200 if allowed else 403), where

        report = client.post(
            f"/api/lessons/{lesson_id}/progress",
            headers={"X-CSRFToken": csrf},
            json={"position": 5, "reported_at": 1},
        )
        complete = client.post(f"{page_url}/complete", data={"csrf_token": csrf, "done": "1"})
        if user == "visitor":
            assert report.status_code == 401 and complete.status_code == 302, where
        elif allowed:
            assert report.status_code == 200 and complete.status_code == 302, where
        else:
            assert report.status_code == 403, where
            assert complete.status_code in (403, 404), where


def test_the_drip_locked_lesson_says_when_it_opens(app, world):
    lessons, users = world
    client = client_for(app, users, "active")
    course, index = lessons["drip_locked"]
    body = page_text(client.get(f"/courses/{course.slug}/lessons/{course.lesson_slugs[index]}"))
    assert re.search(r"opens on <strong>\d{1,2} \w+ \d{4}</strong>, 7 days after you enrolled", body)
    syllabus = page_text(client.get(f"/courses/{course.slug}"))
    assert re.search(r"Opens on \d{1,2} \w+ \d{4}\.", syllabus)


def test_a_drip_module_opens_when_its_day_comes(app, world):
    lessons, users = world
    course, index = lessons["drip_locked"]
    with app.app_context():
        from datetime import timedelta

        from coursehub.learning.models import Enrollment

        enrollment = (
            db.session.query(Enrollment).filter_by(user_id=users["active"].id, course_id=course.id).one()
        )
        enrollment.enrolled_at -= timedelta(days=7, minutes=1)
        db.session.commit()
    client = client_for(app, users, "active")
    assert client.get(f"/courses/{course.slug}/lessons/{course.lesson_slugs[index]}").status_code == 200
