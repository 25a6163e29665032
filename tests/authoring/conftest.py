"""An author logged in, and a course whose first module is still a draft."""

import pytest

from coursehub.accounts.models import Role
from coursehub.content.models import Lesson, Module
from coursehub.core.extensions import db
from tests.factories import make_course, make_user


@pytest.fixture
def author(app, auth):
    user = make_user(app, role=Role.AUTHOR, display_name="Dr Author")
    auth.login(user.email, user.password)
    return user


@pytest.fixture
def course(app):
    """A published paid course of two modules; module 2 (lessons 3 and 4) is a draft."""
    record = make_course(app, lessons=4, modules=2, preview=(), body="Draft teaching")
    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=record.id, slug="module-2").one()
        module.published_at = None
        for lesson in db.session.query(Lesson).filter_by(course_id=record.id):
            lesson.video_ref = f"{record.slug}/{lesson.slug}.mp4"  # where the file format puts it
        db.session.commit()
    return record


def module_row(app, course, slug="module-2") -> Module:
    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=course.id, slug=slug).one()
        db.session.expunge(module)
        return module
