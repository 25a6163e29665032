"""The files stay the source of truth: browser edits export byte-stable, and an import never silently
overwrites an edit made since the last export."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from coursehub.content.models import Course, Lesson
from coursehub.core.extensions import db
from coursehub.core.paths import COURSES_DIR
from tests.authoring.test_lesson_editing import form_for, save

INTRO = "introduction-to-active-isolated-stretching"
SLUG = "what-active-isolated-stretching-is"


@pytest.fixture
def intro(app, runner, tmp_path):
    """The free course imported from a private copy of its files; returns that copy's root."""
    root = tmp_path / "courses"
    shutil.copytree(COURSES_DIR / INTRO, root / INTRO)
    assert runner.invoke(args=["courses", "import", str(root)]).exit_code == 0
    with app.app_context():
        course = db.session.scalar(select(Course).where(Course.slug == INTRO))
        return root, type("Record", (), {"slug": course.slug, "id": course.id})


def body_of(app):
    with app.app_context():
        return db.session.scalar(select(Lesson.body_markdown).where(Lesson.slug == SLUG))


def edit_in_browser(auth, record, text):
    data = form_for(auth.client, record, lesson_slug=SLUG, body=text, note="browser edit")
    assert save(auth.client, record, data, slug=SLUG).status_code == 302


def files_of(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_browser_edit_exports_byte_stable_and_reimports_as_no_change(
    app, runner, auth, author, intro, tmp_path
):
    _root, record = intro
    edit_in_browser(auth, record, "## Changed\n\nNew text written in the browser.")
    out = tmp_path / "exported"
    assert runner.invoke(args=["courses", "export", str(out)]).exit_code == 0
    [lesson_file] = out.glob(f"{INTRO}/01-*/01-{SLUG}.md")
    assert lesson_file.read_text().endswith("+++\n\n## Changed\n\nNew text written in the browser.\n")
    first = files_of(out)
    assert runner.invoke(args=["courses", "export", str(out)]).exit_code == 0
    assert files_of(out) == first  # byte-stable
    again = runner.invoke(args=["courses", "import", str(out)])
    assert again.exit_code == 0 and "Nothing changed" in again.output


def test_importing_older_files_over_a_browser_edit_stops_and_names_the_lesson(
    app, runner, auth, author, intro
):
    root, record = intro
    edit_in_browser(auth, record, "## Changed\n\nKept by the browser.")
    result = runner.invoke(args=["courses", "import", str(root)])
    assert result.exit_code == 2
    assert f"{INTRO}/01-what-ais-is/01-{SLUG}.md: edited in the browser by Dr Author" in result.output
    assert "Nothing was imported: 1 lesson(s)" in result.output
    assert body_of(app) == "## Changed\n\nKept by the browser."
    forced = runner.invoke(args=["courses", "import", str(root), "--force"])
    assert forced.exit_code == 0, forced.output
    assert body_of(app) != "## Changed\n\nKept by the browser."
    assert runner.invoke(args=["courses", "import", str(root)]).exit_code == 0  # in sync again


def test_an_import_after_an_export_has_no_conflict(app, runner, auth, author, intro, tmp_path):
    root, record = intro
    edit_in_browser(auth, record, "## Changed\n\nExported, then changed in the files.")
    assert runner.invoke(args=["courses", "export", str(root)]).exit_code == 0
    [path] = root.glob(f"{INTRO}/01-*/01-{SLUG}.md")
    path.write_text(path.read_text().replace("then changed in the files", "then edited in git"))
    result = runner.invoke(args=["courses", "import", str(root)])
    assert result.exit_code == 0, result.output
    assert body_of(app) == "## Changed\n\nExported, then edited in git."
