"""flask courses import/export against the database: counts, no-ops, updates in place, archiving."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from coursehub.content.models import Course, Lesson, Module, Quiz, QuizQuestion
from coursehub.core.extensions import db
from coursehub.core.paths import COURSES_DIR
from coursehub.learning.models import LessonProgress
from tests.factories import make_user
from tests.helpers import count_rows

INTRO = "introduction-to-active-isolated-stretching"


@pytest.fixture
def intro_dir(tmp_path) -> Path:
    """A private copy of the free course to edit."""
    root = tmp_path / "courses"
    shutil.copytree(COURSES_DIR / INTRO, root / INTRO)
    return root


def run_import(runner, path, *extra):
    return runner.invoke(args=["courses", "import", str(path), *extra])


def lesson_rows(app) -> dict[str, tuple]:
    with app.app_context():
        return {
            lesson.slug: (lesson.id, lesson.updated_at, lesson.archived_at, lesson.body_markdown)
            for lesson in db.session.scalars(select(Lesson))
        }


def test_the_shipped_courses_import_in_full(app, runner):
    result = run_import(runner, COURSES_DIR)
    assert result.exit_code == 0, result.output
    assert count_rows(app, Course) == 4
    assert count_rows(app, Lesson) >= 40
    assert count_rows(app, Quiz) == count_rows(app, Module)
    assert count_rows(app, QuizQuestion) >= 4 * count_rows(app, Quiz)
    assert "added: 4 courses" in result.output
    assert "Warning" not in result.output  # the quiz linter finds nothing to say about the shipped quizzes


def test_re_importing_the_same_files_changes_nothing(app, runner, intro_dir):
    run_import(runner, intro_dir)
    before = lesson_rows(app)
    again = run_import(runner, intro_dir)
    assert again.exit_code == 0
    assert "Nothing changed" in again.output
    assert lesson_rows(app) == before


def test_changing_one_lessons_text_updates_only_that_lesson(app, runner, intro_dir):
    run_import(runner, intro_dir)
    before = lesson_rows(app)
    [path] = intro_dir.glob(f"{INTRO}/01-*/02-*.md")
    path.write_text(path.read_text() + "\nOne more sentence for learners.\n")

    result = run_import(runner, intro_dir)

    assert "changed: 1 lessons" in result.output
    after = lesson_rows(app)
    changed = [slug for slug in after if after[slug] != before[slug]]
    assert len(changed) == 1 and after[changed[0]][0] == before[changed[0]][0]  # same row, updated
    assert after[changed[0]][3].endswith("One more sentence for learners.")


def test_removing_a_lesson_archives_it_and_bringing_it_back_restores_the_same_row(app, runner, intro_dir):
    run_import(runner, intro_dir)
    [path] = intro_dir.glob(f"{INTRO}/02-*/01-*.md")
    saved = path.read_text()
    path.unlink()
    learner = make_user(app)
    with app.app_context():
        slug = "preparing-safely-and-using-a-rope"
        lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.slug == slug))
        db.session.add(
            LessonProgress(
                user_id=learner.id,
                lesson_id=lesson_id,
                position_seconds=61,
                furthest_seconds=61,
                reported_at_ms=1,
            )
        )
        db.session.commit()
    # Its quiz question must point elsewhere first, or the import rightly refuses the dangling reference.
    break_file(
        intro_dir,
        f"{INTRO}/02-*/quiz.toml",
        'lesson = "preparing-safely-and-using-a-rope"',
        'lesson = "putting-it-together-and-where-next"',
    )

    result = run_import(runner, intro_dir)
    assert "archived: 1 lessons" in result.output
    rows = lesson_rows(app)
    archived = [slug for slug, row in rows.items() if row[2] is not None]
    assert len(archived) == 1 and len(rows) == 7  # kept, not deleted
    assert count_rows(app, LessonProgress) == 1  # and the learner's progress on it with it

    path.write_text(saved)
    run_import(runner, intro_dir)
    assert lesson_rows(app)[archived[0]][0] == rows[archived[0]][0]
    assert lesson_rows(app)[archived[0]][2] is None


def test_import_then_export_then_import_gives_identical_files_and_rows(app, runner, tmp_path):
    run_import(runner, COURSES_DIR)
    before = lesson_rows(app)
    exported = tmp_path / "exported"
    result = runner.invoke(args=["courses", "export", str(exported)])
    assert result.exit_code == 0, result.output
    originals = [
        path
        for path in COURSES_DIR.rglob("*")
        if path.is_file() and path.name not in ("README.md", "disclaimer.md", "safety.md", "screening.toml")
    ]
    assert any(path.name == "bundles.toml" for path in originals)
    for original in originals:
        copy = exported / original.relative_to(COURSES_DIR)
        assert copy.read_bytes() == original.read_bytes(), original
    again = run_import(runner, exported)
    assert "Nothing changed" in again.output
    assert lesson_rows(app) == before


def break_file(root: Path, pattern: str, old: str, new: str) -> Path:
    [path] = root.glob(pattern)
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))
    return path


@pytest.mark.parametrize(
    ("pattern", "old", "new", "where"),
    [
        (f"{INTRO}/course.toml", 'access = "free"', 'access = "free', "course.toml:"),
        (f"{INTRO}/01-*/01-*.md", "+++\n", "++\n", "01-what-active-isolated-stretching-is.md:1"),
        (
            f"{INTRO}/01-*/02-*.md",
            'slug = "reciprocal-inhibition-and-short-holds"',
            'slug = "what-active-isolated-stretching-is"',
            "02-reciprocal-inhibition-and-short-holds.md:",
        ),
        (f"{INTRO}/01-*/quiz.toml", 'answer = "', 'answer = "zz', "quiz.toml:"),
        (f"{INTRO}/01-*/quiz.toml", "draw = ", 'reveal = "sometimes"\ndraw = ', "quiz.toml:"),
        (
            f"{INTRO}/02-*/02-*.md",
            "at = 420",
            "at = 7200",
            "02-knee-to-chest-and-bent-knee-hamstring.md:24: at = 7200 is past the end",
        ),
        (
            f"{INTRO}/02-*/03-*.md",
            'side = "each"',
            'side = "eahc"',
            "03-hip-flexor-and-trunk-rotation.md:10:",
        ),
    ],
)
def test_a_broken_file_exits_2_naming_file_and_line_and_changes_nothing(
    app, runner, intro_dir, pattern, old, new, where
):
    run_import(runner, intro_dir)
    before = lesson_rows(app)
    [first_lesson] = intro_dir.glob(f"{INTRO}/02-*/01-*.md")
    first_lesson.write_text(first_lesson.read_text() + "\nA valid change that must not land.\n")
    break_file(intro_dir, pattern, old, new)

    result = run_import(runner, intro_dir)

    assert result.exit_code == 2
    errors = [line for line in result.output.splitlines() if line.startswith("Error: courses/")]
    assert errors and any(where in line for line in errors), result.output
    assert all(":" in line.split(" ", 2)[1] for line in errors)  # every error names file:line
    assert lesson_rows(app) == before


def test_import_of_a_missing_folder_exits_2_with_one_line(runner, tmp_path):
    result = run_import(runner, tmp_path / "nowhere")
    assert result.exit_code == 2
    assert result.output.strip() == f"Error: {tmp_path / 'nowhere'} is not a folder of courses"


def test_a_quizs_reveal_setting_imports_and_exports_byte_for_byte(app, runner, intro_dir, tmp_path):
    quiz_file = break_file(
        intro_dir, f"{INTRO}/01-*/quiz.toml", "\n\n[[questions]]", '\nreveal = "always"\n\n[[questions]]'
    )
    assert run_import(runner, intro_dir).exit_code == 0
    with app.app_context():
        reveals = sorted(db.session.scalars(select(Quiz.reveal)))
    assert reveals == ["after_pass", "always"]  # the other quiz keeps the default
    exported = tmp_path / "exported"
    assert runner.invoke(args=["courses", "export", str(exported)]).exit_code == 0
    copy = exported / quiz_file.relative_to(intro_dir)
    assert copy.read_bytes() == quiz_file.read_bytes()
