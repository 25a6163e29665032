"""One safety box, rendered from courses/safety.md on every lesson page, instead of a copy in each lesson."""

from sqlalchemy import select

from coursehub.accounts.models import Role
from coursehub.content.files import load_catalog
from coursehub.content.models import Lesson
from coursehub.core.extensions import db
from coursehub.core.paths import COURSES_DIR
from tests.factories import make_user
from tests.helpers import page_text

RED_FLAGS = (
    "saddle",
    "bladder or bowels",
    "worse at night",
    "history of cancer",
    "fall or accident",
    "fever",
)


def test_every_lesson_page_shows_the_safety_box_and_links_the_disclaimer(app, auth, runner):
    assert runner.invoke(args=["courses", "import", "--publish"]).exit_code == 0
    admin = make_user(app, role=Role.ADMIN)
    auth.login(admin.email, admin.password)
    with app.app_context():
        paths = [
            f"/courses/{lesson.course.slug}/lessons/{lesson.slug}"
            for lesson in db.session.scalars(select(Lesson).where(Lesson.archived_at.is_(None)))
        ]
    assert len(paths) >= 60
    for path in paths:
        response = auth.client.get(path)
        body = page_text(response)
        assert response.status_code == 200, path
        box = body[body.index('class="safety-box"') :]
        box = box[: box.index("</aside>")]
        assert 'href="/disclaimer"' in box, path
        assert all(flag in box for flag in RED_FLAGS), path


def test_the_generic_red_flag_paragraph_is_no_longer_copied_into_the_lessons():
    """Only lessons whose subject is safety itself list the red flags; the rest leave it to the box."""
    lessons = [
        lesson
        for course in load_catalog(COURSES_DIR)
        for module in course.modules
        for lesson in module.lessons
    ]
    listing = [
        lesson.slug
        for lesson in lessons
        if "saddle" in lesson.body_markdown and "fever" in lesson.body_markdown
    ]
    assert len(listing) <= 8, listing


def test_the_disclaimer_page_has_its_own_heading_and_the_full_list(client):
    body = page_text(client.get("/disclaimer"))
    assert "<h1>Medical disclaimer</h1>" in body
    assert "<title>Medical disclaimer" in body
    assert "history of cancer" in body and "saddle" in body
