"""The visitor's home and course list are built once and shared: no SQL on a hit, nothing of anyone's own
in them, the right headers on every response, and every write that changes them seen on the next
request. Each test runs with the in-process store and with Redis (``conftest.cache_settings``)."""

import os
import re
import shutil
import subprocess
import sys
import time
from datetime import timedelta

import pytest

from coursehub.accounts.models import Role
from coursehub.content.models import Module
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.core.paths import COURSES_DIR, PROJECT_ROOT
from tests.authoring.test_media_upload import DEMO_VIDEO, upload
from tests.factories import make_course, make_product, make_user
from tests.helpers import ServerClient, page_text


@pytest.fixture
def app_settings(cache_settings):
    return cache_settings


@pytest.fixture
def visitor(app):
    """A browser of its own, never signed in."""
    app.test_client_class = ServerClient
    return app.test_client()


@pytest.fixture
def shop(app):
    """A published paid course of two modules (the second a draft), and a bundle with a second course."""
    course = make_course(app, lessons=4, modules=2, title="Pelvic Balance")
    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=course.id, slug="module-2").one()
        module.published_at = None
        db.session.commit()
    other = make_course(app, title="Hip Release")
    make_product(app, [course, other], "both-courses", 7900, bundle=True, title="Both courses")
    return course


def card(body: str, title: str) -> str:
    """The text of the course card headed ``title``."""
    start = body.index(f">{title}</a>")
    return body[start : body.index("</li>", start)]


def retitle(files, slug: str, old: str, new: str) -> None:
    toml = files / slug / "course.toml"
    toml.write_text(toml.read_text().replace(f'title = "{old}"', f'title = "{new}"'))


def as_author(app, auth):
    author = make_user(app, role=Role.AUTHOR, display_name="Dr Author")
    auth.login(author.email, author.password)
    return author


def studio_post(auth, path, **data):
    return auth.post(path, data=data, form_page="/author")


# ---- what is kept and for whom ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/courses"])
def test_a_visitors_page_is_built_once_then_served_without_sql(visitor, shop, count_queries, path):
    with count_queries:
        built = visitor.get(path)
    assert built.status_code == 200 and count_queries.data_statements  # the first visit builds it
    with count_queries:
        served = visitor.get(path)
    assert served.status_code == 200
    assert count_queries.statements == []
    assert served.get_data() == built.get_data()
    assert "Pelvic Balance" in page_text(served) and "Both courses: $79" in page_text(served)


def test_each_response_has_its_own_request_id_and_the_headers_of_a_built_page(visitor, shop):
    built = visitor.get("/", headers={"X-Request-ID": "built-page-0001"})
    served = visitor.get("/", headers={"X-Request-ID": "served-page-0002"})
    assert built.headers["X-Request-ID"] == "built-page-0001"
    assert served.headers["X-Request-ID"] == "served-page-0002"
    assert re.fullmatch(r"[0-9a-f]{32}", visitor.get("/").headers["X-Request-ID"])

    def shared(response):
        return {name: value for name, value in response.headers.items() if name != "X-Request-ID"}

    assert shared(served) == shared(built)
    assert "Set-Cookie" not in served.headers and "Cache-Control" not in served.headers
    assert served.headers["Content-Security-Policy"].startswith("default-src 'self'; script-src 'self';")


def test_a_visitor_with_a_session_gets_the_shared_page_and_no_cookie(app, visitor, shop, count_queries):
    visitor.get("/")
    other = app.test_client()
    other.get("/login")  # a form page: this visitor's session now holds a CSRF token
    assert other.get_cookie("coursehub_session") is not None
    with count_queries:
        served = other.get("/")
    assert count_queries.statements == []
    assert "Set-Cookie" not in served.headers
    assert "csrf_token" not in served.get_data(as_text=True)


def test_a_learner_never_gets_the_visitors_page(app, visitor, client, auth, shop):
    visitor.get("/")
    learner = make_user(app, display_name="Ada Lovelace")
    auth.login(learner.email, learner.password)
    body = page_text(client.get("/"))
    assert "Ada Lovelace" in body and "Log out" in body and "Buy all three" in body
    assert "Sign up to buy the bundle" not in body


def test_a_visitor_never_gets_a_learners_page(app, visitor, client, auth, shop, count_queries):
    learner = make_user(app, display_name="Ada Lovelace")
    auth.login(learner.email, learner.password)
    assert "Ada Lovelace" in page_text(client.get("/"))
    with count_queries:
        body = page_text(visitor.get("/"))
    assert count_queries.data_statements  # built for this visitor: the learner's page was not kept
    assert "Ada Lovelace" not in body and "Log out" not in body and "csrf_token" not in body
    assert "Log in" in body and "Sign up to buy the bundle" in body
    assert "Ada Lovelace" not in page_text(visitor.get("/"))


def test_a_remember_me_cookie_alone_gets_the_learner_their_own_page(app, visitor, client, auth, shop):
    visitor.get("/")
    learner = make_user(app, display_name="Ada Lovelace")
    auth.login(learner.email, learner.password, remember=True)
    client.delete_cookie("coursehub_session")  # the browser was closed: only the remember-me cookie is left
    assert "Ada Lovelace" in page_text(client.get("/"))


def test_a_flashed_message_is_shown_to_its_visitor_once_and_to_no_one_else(app, visitor, client, auth, shop):
    visitor.get("/")
    learner = make_user(app)
    auth.login(learner.email, learner.password)
    auth.logout()
    assert "You are logged out." in page_text(client.get("/"))
    assert "You are logged out." not in page_text(client.get("/"))
    assert "You are logged out." not in page_text(visitor.get("/"))


# ---- every write that changes the page is seen on the next request ---------------------------------


def test_publishing_a_course_in_the_studio(app, visitor, auth, shop):
    draft = make_course(app, published=False, title="Hamstring Freedom")
    assert "Hamstring Freedom" not in page_text(visitor.get("/"))
    as_author(app, auth)
    assert studio_post(auth, f"/author/courses/{draft.slug}/publish", confirm="1").status_code == 302
    assert "Hamstring Freedom" in page_text(visitor.get("/"))


def test_publishing_a_module_in_the_studio(app, visitor, auth, shop):
    assert "1 modules · 2 lessons" in card(page_text(visitor.get("/")), "Pelvic Balance")
    as_author(app, auth)
    path = f"/author/courses/{shop.slug}/modules/module-2/publish"
    assert studio_post(auth, path, confirm="1").status_code == 302
    assert "2 modules · 4 lessons" in card(page_text(visitor.get("/")), "Pelvic Balance")


def test_unpublishing_a_course_in_the_studio(app, visitor, auth, shop):
    assert "Pelvic Balance" in page_text(visitor.get("/courses"))
    as_author(app, auth)
    assert studio_post(auth, f"/author/courses/{shop.slug}/unpublish").status_code == 302
    assert "Pelvic Balance" not in page_text(visitor.get("/courses"))
    assert "Pelvic Balance" not in page_text(visitor.get("/"))


def test_unpublishing_a_module_in_the_studio(app, visitor, auth, shop):
    as_author(app, auth)
    studio_post(auth, f"/author/courses/{shop.slug}/modules/module-2/publish", confirm="1")
    assert "2 modules · 4 lessons" in card(page_text(visitor.get("/")), "Pelvic Balance")
    assert studio_post(auth, f"/author/courses/{shop.slug}/modules/module-2/unpublish").status_code == 302
    assert "1 modules · 2 lessons" in card(page_text(visitor.get("/")), "Pelvic Balance")


def test_a_module_scheduled_in_the_studio_appears_at_its_time_with_no_write(
    app, visitor, auth, shop, count_queries
):
    as_author(app, auth)
    at = utcnow() + timedelta(seconds=3)
    path = f"/author/courses/{shop.slug}/modules/module-2/schedule"
    assert studio_post(auth, path, at=at.strftime("%Y-%m-%dT%H:%M:%S")).status_code == 302
    assert "1 modules · 2 lessons" in card(page_text(visitor.get("/")), "Pelvic Balance")
    with count_queries:
        kept = page_text(visitor.get("/"))
    assert count_queries.statements == [] and "1 modules · 2 lessons" in card(kept, "Pelvic Balance")
    time.sleep(max(0.0, (at - utcnow()).total_seconds()) + 0.2)
    assert "2 modules · 4 lessons" in card(page_text(visitor.get("/")), "Pelvic Balance")


def test_editing_a_courses_title_and_price_in_the_studio(app, visitor, auth, shop):
    assert "$49" in card(page_text(visitor.get("/")), "Pelvic Balance")
    as_author(app, auth)
    data = {"title": "Pelvic Balance, Revised", "subtitle": "New", "summary": "Summary.", "price": "59.50"}
    assert auth.post(f"/author/courses/{shop.slug}/settings", data).status_code == 302
    assert "$59.50" in card(page_text(visitor.get("/")), "Pelvic Balance, Revised")


def test_adding_a_lesson_to_a_published_module_in_the_studio(app, visitor, auth, shop):
    assert "1 modules · 2 lessons" in card(page_text(visitor.get("/")), "Pelvic Balance")
    as_author(app, auth)
    body = "Lie on your back with the rope around your foot.\n\nBreathe out as you lift."
    data = {"slug": "piriformis", "title": "Piriformis", "body": body}
    assert auth.post(f"/author/courses/{shop.slug}/modules/module-1/lessons/new", data).status_code == 302
    assert "1 modules · 3 lessons" in card(page_text(visitor.get("/")), "Pelvic Balance")


def test_uploading_a_lessons_video_in_the_studio(app, visitor, auth, shop):
    assert "10 min of video" in card(page_text(visitor.get("/")), "Pelvic Balance")  # two lessons of 300 s
    as_author(app, auth)
    assert upload(auth.client, shop, "video", DEMO_VIDEO.read_bytes(), "stretch.mp4").status_code == 302
    assert "16 min of video" in card(page_text(visitor.get("/")), "Pelvic Balance")  # 660 s + 300 s


def test_importing_the_course_files_with_a_new_title_price_and_a_course_removed(visitor, runner, tmp_path):
    files = shutil.copytree(COURSES_DIR, tmp_path / "courses")
    assert runner.invoke(args=["courses", "import", str(files), "--publish"]).exit_code == 0
    before = page_text(visitor.get("/"))
    assert "Introduction to Active Isolated Stretching" in before and "All three courses: $159" in before
    retitle(files, "healing-the-hidden-root-of-pain", "Healing the Hidden Root of Pain", "Iliopsoas")
    bundles = files / "bundles.toml"
    bundles.write_text(bundles.read_text().replace("price = 15900", "price = 14900"))
    shutil.rmtree(files / "introduction-to-active-isolated-stretching")
    result = runner.invoke(args=["courses", "import", str(files)])
    assert result.exit_code == 0, result.output
    after = page_text(visitor.get("/"))
    assert ">Iliopsoas</a>" in after and ">Healing the Hidden Root of Pain</a>" not in after
    assert "All three courses: $149" in after
    assert "Introduction to Active Isolated Stretching" not in after


def test_a_write_that_is_rolled_back_keeps_the_kept_page(app, visitor, shop, count_queries):
    visitor.get("/")
    with app.app_context():
        module = db.session.query(Module).filter_by(course_id=shop.id, slug="module-2").one()
        module.published_at = utcnow()
        db.session.flush()
        db.session.rollback()
    with count_queries:
        body = page_text(visitor.get("/"))
    assert count_queries.statements == [] and "1 modules · 2 lessons" in card(body, "Pelvic Balance")


def test_an_import_in_another_process_reaches_this_servers_kept_page(committed_app, tmp_path):
    """``flask courses import`` runs in a process of its own; the version it moves is read here."""
    files = shutil.copytree(COURSES_DIR, tmp_path / "courses")
    runner = committed_app.test_cli_runner()
    assert runner.invoke(args=["courses", "import", str(files), "--publish"]).exit_code == 0
    committed_app.test_client_class = ServerClient
    visitor = committed_app.test_client()
    assert ">Healing the Hidden Root of Pain</a>" in page_text(visitor.get("/"))
    retitle(files, "healing-the-hidden-root-of-pain", "Healing the Hidden Root of Pain", "Iliopsoas")
    config = committed_app.config
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "COURSEHUB_ENV": "test",
        "DATABASE_URL": config["SQLALCHEMY_DATABASE_URI"],
        "COURSEHUB_CACHE_PREFIX": config["CACHE_PREFIX"],
        **({"REDIS_URL": config["REDIS_URL"]} if config["REDIS_URL"] else {}),
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "courses", "import", str(files)],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    body = page_text(visitor.get("/"))
    assert ">Iliopsoas</a>" in body and ">Healing the Hidden Root of Pain</a>" not in body
