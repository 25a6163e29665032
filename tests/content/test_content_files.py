"""The course content parser: the shipped content, every kind of mistake (with its file and line), the
round trip through files, and the sanitizing of lesson HTML. No app and no database: plain files."""

from __future__ import annotations

import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from coursehub.content.files import (
    ContentError,
    ContentErrors,
    CourseFile,
    RoutineStep,
    dump_catalog,
    load_catalog,
)

SHIPPED = Path(__file__).resolve().parents[2] / "courses"

# A small course, in the exact format of courses/README.md. The malformed cases below edit a copy of it,
# and their expected line numbers count lines in these texts.
FIXTURE = {
    "README.md": "Not a course: files in the root are ignored.\n",
    "tiny-course/course.toml": """\
        title = "Tiny course"
        subtitle = "A fixture for the parser"
        summary = "Two modules, three lessons and a quiz."
        access = "paid"
        price = 1000
        currency = "usd"
        order = 1
        """,
    "tiny-course/01-basics/module.toml": """\
        title = "Basics"
        summary = "Where to start."
        """,
    "tiny-course/01-basics/01-first-steps.md": """\
        +++
        title = "First steps"
        slug = "first-steps"
        video = "tiny-course/first-steps.mp4"
        duration = 300
        preview = true

        [[routine]]
        exercise = "Knee to chest"
        side = "each"
        reps = 10
        hold_seconds = 2
        +++

        ## Start here

        Lie on your back and hug one knee gently toward your chest.
        """,
    "tiny-course/01-basics/02-second-steps.md": """\
        +++
        title = "Second steps"
        slug = "second-steps"
        preview = false
        +++

        A text-only lesson with **bold** text and [a link](https://example.com/more).
        """,
    "tiny-course/01-basics/quiz.toml": """\
        title = "Check the basics"
        pass_mark = 75
        max_attempts = 0
        wait_minutes = 0
        draw = 4

        [[questions]]
        id = "which-side"
        type = "side"
        prompt = "Which side do you start with?"
        options = [
          { id = "left", text = "Left" },
          { id = "right", text = "Right" },
        ]
        answer = "left"
        explanation = "Start on the left, then change sides."
        lesson = "first-steps"
        at = 120

        [[questions]]
        id = "order-them"
        type = "ordering"
        prompt = "Put the steps in order."
        options = [
          { id = "lie", text = "Lie down" },
          { id = "hug", text = "Hug the knee" },
          { id = "rest", text = "Rest" },
        ]
        answer = ["lie", "hug", "rest"]
        explanation = "You lie down first and rest last."
        lesson = "first-steps"

        [[questions]]
        id = "short-holds"
        type = "true_false"
        prompt = "Each stretch is held for about two seconds."
        answer = true
        explanation = "Short holds keep the muscle from fighting back."
        lesson = "second-steps"

        [[questions]]
        id = "pick-some"
        type = "multiple"
        prompt = "Which help? Choose all that apply."
        options = [
          { id = "a", text = "Breathing out" },
          { id = "b", text = "Bouncing" },
          { id = "c", text = "Going gently" },
        ]
        answer = ["a", "c"]
        explanation = "Breathe out and go gently; never bounce."
        lesson = "second-steps"

        [[questions]]
        id = "how-long"
        type = "single"
        prompt = "How long is each hold?"
        options = [
          { id = "a", text = "About two seconds" },
          { id = "b", text = "A minute" },
        ]
        answer = "a"
        explanation = "About two seconds, then release."
        lesson = "going-further"
        """,
    "tiny-course/02-more/module.toml": """\
        title = "More"
        summary = "After the basics."
        drip_days = 7
        """,
    "tiny-course/02-more/01-going-further.md": """\
        +++
        title = "Going further"
        slug = "going-further"
        preview = false
        +++

        Keep going, a little further each day.
        """,
}


def write_fixture(tmp_path: Path, changes: dict[str, str] | None = None) -> Path:
    """Write the fixture course (with ``changes``: file -> new text) and return its root folder."""
    root = tmp_path / "courses"
    for name, text in {**FIXTURE, **(changes or {})}.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def edited(name: str, old: str, new: str) -> dict[str, str]:
    """The fixture file ``name`` with ``old`` replaced by ``new`` (which must be there exactly once)."""
    text = textwrap.dedent(FIXTURE[name])
    assert text.count(old) == 1, f"{old!r} is not in {name} exactly once"
    return {name: text.replace(old, new)}


def problems_of(root: Path) -> list[tuple[str, int, str]]:
    with pytest.raises(ContentErrors) as caught:
        load_catalog(root)
    return [(error.path.as_posix(), error.line, error.message) for error in caught.value.errors]


def files_of(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes() for path in root.rglob("*") if path.is_file()
    }


# ---- the shipped content -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped() -> tuple[CourseFile, ...]:
    return load_catalog(SHIPPED)


def test_shipped_content_loads_with_enough_lessons(shipped):
    assert len(shipped) == 4
    assert sum(len(module.lessons) for course in shipped for module in course.modules) >= 40
    assert [course.order for course in shipped] == sorted(course.order for course in shipped)


def test_paid_courses_are_full_and_the_free_one_is_a_real_taster(shipped):
    free = [course for course in shipped if course.access == "free"]
    assert len(free) == 1
    assert sum(len(module.lessons) for module in free[0].modules) >= 4
    for course in shipped:
        if course.access == "paid":
            assert len(course.modules) >= 4, course.slug
            assert sum(len(module.lessons) for module in course.modules) >= 12, course.slug


def test_every_shipped_lesson_has_at_least_300_words(shipped):
    for course in shipped:
        for module in course.modules:
            for lesson in module.lessons:
                assert len(lesson.body_markdown.split()) >= 300, lesson.source


def test_every_shipped_module_has_a_quiz_of_explained_questions(shipped):
    for course in shipped:
        for module in course.modules:
            quiz_file = SHIPPED / course.slug / f"{module.position:02d}-{module.slug}" / "quiz.toml"
            text = quiz_file.read_text(encoding="utf-8")
            questions_in_file = text.count("\n[[questions]]\n")
            assert module.quiz is not None, quiz_file
            assert len(module.quiz.questions) == questions_in_file >= 4, quiz_file
            assert text.count("\nexplanation = ") == questions_in_file, quiz_file
            assert all(question.explanation.strip() for question in module.quiz.questions), quiz_file


def test_shipped_content_survives_a_round_trip(shipped, tmp_path):
    dump_catalog(shipped, tmp_path / "first" / "courses")
    assert load_catalog(tmp_path / "first" / "courses") == shipped
    dump_catalog(load_catalog(tmp_path / "first" / "courses"), tmp_path / "second" / "courses")
    assert files_of(tmp_path / "second") == files_of(tmp_path / "first")


# ---- the fixture course ------------------------------------------------------------------------------


def test_fixture_course_loads_every_field(tmp_path):
    (course,) = load_catalog(write_fixture(tmp_path))
    assert (course.slug, course.access, course.price, course.currency, course.order) == (
        "tiny-course",
        "paid",
        1000,
        "usd",
        1,
    )
    basics, more = course.modules
    assert (basics.slug, basics.position, basics.drip_days, more.drip_days) == ("basics", 1, 0, 7)
    first, second = basics.lessons
    assert first.routine == (RoutineStep("Knee to chest", "each", 10, 2),)
    assert (first.video, first.duration, first.preview, first.captions) == (
        "tiny-course/first-steps.mp4",
        300,
        True,
        None,
    )
    assert (second.video, second.duration, second.routine) == (None, 0, ())
    assert first.source == Path("tiny-course/01-basics/01-first-steps.md")
    assert first.body_markdown.startswith("## Start here\n\nLie on your back")
    assert more.quiz is None
    answers = {question.id: question.answer for question in basics.quiz.questions}
    assert answers == {
        "which-side": "left",
        "order-them": ("lie", "hug", "rest"),
        "short-holds": True,
        "pick-some": ("a", "c"),
        "how-long": "a",
    }
    assert basics.quiz.questions[0].options == (("left", "Left"), ("right", "Right"))


def test_routine_rest_cues_and_video_second_load_and_write_back_as_written(tmp_path):
    extra = 'hold_seconds = 2\nrest_seconds = 20\ncues = ["Breathe out", "Go gently"]\nat = 95\n'
    root = write_fixture(tmp_path, edited(FIRST, "hold_seconds = 2\n", extra))
    (course,) = load_catalog(root)
    [step] = course.modules[0].lessons[0].routine
    assert step == RoutineStep("Knee to chest", "each", 10, 2, 20, ("Breathe out", "Go gently"), 95)
    assert step.rest == 20 and RoutineStep("Knee to chest", "each", 10, 2).rest == 10
    dump_catalog((course,), tmp_path / "out" / "courses")
    written = (tmp_path / "out" / "courses" / FIRST).read_text()
    assert written == (root / FIRST).read_text()


def test_fixture_round_trip_is_equal_and_stable(tmp_path):
    courses = load_catalog(write_fixture(tmp_path))
    dump_catalog(courses, tmp_path / "a" / "courses")
    assert load_catalog(tmp_path / "a" / "courses") == courses
    dump_catalog(load_catalog(tmp_path / "a" / "courses"), tmp_path / "b" / "courses")
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")


def test_dump_removes_what_is_no_longer_in_the_course(tmp_path):
    root = write_fixture(tmp_path)
    (course,) = load_catalog(root)
    basics = course.modules[0]
    smaller = replace(course, modules=(replace(basics, lessons=basics.lessons[:1], quiz=None),))
    dump_catalog([smaller], root)
    assert not (root / "tiny-course/02-more").exists()
    assert not (root / "tiny-course/01-basics/02-second-steps.md").exists()
    assert not (root / "tiny-course/01-basics/quiz.toml").exists()
    assert load_catalog(root) == (smaller,)


def test_raw_html_in_a_lesson_is_escaped_and_links_are_safe(tmp_path):
    body = (
        '+++\ntitle = "Second steps"\nslug = "second-steps"\npreview = false\n+++\n\n'
        '<script>alert("x")</script>\n\nText <b onclick="x()">bold</b> and [bad](javascript:alert(1)) '
        "and [good](https://example.com).\n"
    )
    root = write_fixture(tmp_path, {"tiny-course/01-basics/02-second-steps.md": body})
    html = load_catalog(root)[0].modules[0].lessons[1].body_html
    assert "<script" not in html
    assert "<b" not in html
    assert 'href="javascript' not in html
    assert '<a href="https://example.com" rel="noopener noreferrer">good</a>' in html


def test_error_text_names_the_file_and_line_relative_to_the_root_parent(tmp_path):
    root = write_fixture(tmp_path, edited("tiny-course/course.toml", "order = 1", 'order = "first"'))
    with pytest.raises(ContentError) as caught:
        load_catalog(root)
    assert str(caught.value) == "courses/tiny-course/course.toml:7: order must be an integer, not a string"


# ---- malformed content: each problem at its file and line --------------------------------------------

QUIZ = "tiny-course/01-basics/quiz.toml"
FIRST = "tiny-course/01-basics/01-first-steps.md"
FIRST_BODY = "## Start here\n\nLie on your back and hug one knee gently toward your chest.\n"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        pytest.param(
            edited("tiny-course/course.toml", 'subtitle = "A fixture', 'subtitle = "A fixture"x'),
            [("tiny-course/course.toml", 2, "TOML syntax error")],
            id="course-toml-syntax",
        ),
        pytest.param(
            edited("tiny-course/course.toml", "order = 1\n", 'order = 1\nlevel = "easy"\n'),
            [("tiny-course/course.toml", 8, "unknown key 'level'")],
            id="unknown-course-key",
        ),
        pytest.param(
            edited(FIRST, "preview = true", "preveiw = true"),
            [(FIRST, 6, "unknown key 'preveiw'"), (FIRST, 2, "missing key 'preview'")],
            id="unknown-lesson-key-and-missing-key",
        ),
        pytest.param(
            edited(FIRST, "hold_seconds = 2\n+++\n", "hold_seconds = 2\n"),
            [(FIRST, 1, "never closed")],
            id="front-matter-not-closed",
        ),
        pytest.param(
            edited(FIRST, "+++\ntitle", "---\ntitle"),
            [(FIRST, 1, "must start with a '+++' line")],
            id="front-matter-not-opened",
        ),
        pytest.param(
            edited(FIRST, "duration = 300", "duration = 300 seconds"),
            [(FIRST, 5, "TOML syntax error")],
            id="front-matter-syntax",
        ),
        pytest.param(
            edited(FIRST, 'side = "each"', 'side = "eahc"'),
            [(FIRST, 10, "side must be one of")],
            id="routine-side",
        ),
        pytest.param(
            edited(FIRST, "hold_seconds = 2\n", "hold_seconds = 2\nat = 301\n"),
            [(FIRST, 13, "at = 301 is past the end of the lesson's video (300 seconds long)")],
            id="routine-at-past-the-video",
        ),
        pytest.param(
            edited(FIRST, "hold_seconds = 2\n", "hold_seconds = 2\ncues = []\nrest_seconds = -5\n"),
            [
                (FIRST, 14, "rest_seconds must be between 0 and 600"),
                (FIRST, 13, "cues must list at least one"),
            ],
            id="routine-rest-and-empty-cues",
        ),
        pytest.param(
            edited(FIRST, "hold_seconds = 2\n", 'hold_seconds = 2\ncues = ["Breathe out", 3]\n'),
            [(FIRST, 13, "each cue must be a non-empty string")],
            id="routine-cue-not-text",
        ),
        pytest.param(
            edited(FIRST, "reps = 10", "reps = 0"),
            [(FIRST, 11, "reps must be between 1 and 100")],
            id="routine-no-reps",
        ),
        pytest.param(
            edited(FIRST, FIRST_BODY, ""), [(FIRST, 13, "no text after its front matter")], id="empty-body"
        ),
        pytest.param(
            edited(FIRST, "## Start here", "# Start here"),
            [(FIRST, 15, "a level 1 heading is not allowed")],
            id="h1-heading",
        ),
        pytest.param(
            edited(FIRST, 'slug = "first-steps"', 'slug = "first-step"'),
            [(FIRST, 3, "does not match the file name")],
            id="slug-not-file-name",
        ),
        pytest.param(
            {"tiny-course/02-more/02-first-steps.md": FIXTURE[FIRST]},
            [
                (
                    "tiny-course/02-more/02-first-steps.md",
                    3,
                    "lesson slug 'first-steps' is already used in this course by "
                    "tiny-course/01-basics/01-first-steps.md",
                )
            ],
            id="duplicate-lesson-slug",
        ),
        pytest.param(
            edited(QUIZ, 'answer = "left"', 'answer = "up"'),
            [(QUIZ, 15, "answer 'up' is not one of the option ids (left, right)")],
            id="answer-not-an-option",
        ),
        pytest.param(
            edited(QUIZ, 'answer = ["lie", "hug", "rest"]', 'answer = ["lie", "hug"]'),
            [(QUIZ, 29, "every option id exactly once (missing 'rest')")],
            id="ordering-missing-option",
        ),
        pytest.param(
            edited(QUIZ, 'lesson = "going-further"', 'lesson = "going-farther"'),
            [(QUIZ, 64, "lesson 'going-farther' is not a lesson of this course")],
            id="missing-lesson",
        ),
        pytest.param(
            edited(QUIZ, "at = 120", "at = 301"),
            [(QUIZ, 18, "at = 301 is past the end of lesson 'first-steps'")],
            id="at-past-the-video",
        ),
        pytest.param(
            edited(QUIZ, "draw = 4", "draw = 6"),
            [(QUIZ, 5, "draw = 6, but the pool has only 5 questions")],
            id="draw-beyond-pool",
        ),
        pytest.param(
            edited(QUIZ, 'id = "pick-some"', 'id = "order-them"'),
            [(QUIZ, 42, "question id 'order-them' is already used on line 21")],
            id="duplicate-question-id",
        ),
        pytest.param(
            edited(QUIZ, '  { id = "right", text = "Right" },', '  { id = "up", text = "Up" },'),
            [
                (QUIZ, 13, "option ids are left, right, both, neither, not 'up'"),
                (QUIZ, 11, "at least the options 'left' and 'right'"),
            ],
            id="side-option-ids",
        ),
        pytest.param(
            edited(QUIZ, '  { id = "c", text = "Going gently" },', '  { id = "a", text = "Again" },'),
            [(QUIZ, 48, "option id 'a' is used twice")],
            id="duplicate-option-id",
        ),
        pytest.param(
            edited(QUIZ, "answer = true\n", 'options = [{ id = "a", text = "A" }]\nanswer = true\n'),
            [(QUIZ, 37, "a true_false question has no options")],
            id="true-false-with-options",
        ),
        pytest.param(
            edited(QUIZ, 'explanation = "Short holds keep the muscle from fighting back."\n', ""),
            [(QUIZ, 33, "missing key 'explanation'")],
            id="missing-explanation",
        ),
        pytest.param(
            edited("tiny-course/course.toml", "price = 1000", "price = 0"),
            [("tiny-course/course.toml", 5, "a paid course needs a price above 0")],
            id="paid-for-free",
        ),
        pytest.param(
            edited("tiny-course/02-more/module.toml", "drip_days = 7", "drip_days = -1"),
            [("tiny-course/02-more/module.toml", 3, "drip_days must be at least 0")],
            id="negative-drip",
        ),
        pytest.param(
            {"tiny-course/02-more/1-extra.md": FIXTURE[FIRST]},
            [("tiny-course/02-more/1-extra.md", 1, "lesson files named NN-<lesson-slug>.md")],
            id="misnamed-lesson-file",
        ),
    ],
)
def test_malformed_content_is_reported_at_its_file_and_line(tmp_path, changes, expected):
    found = problems_of(write_fixture(tmp_path, changes))
    expected_places = [(f"courses/{path}", line) for path, line, _ in expected]
    assert [(path, line) for path, line, _ in found] == expected_places
    for (_, _, message), (_, _, fragment) in zip(found, expected, strict=True):
        assert fragment in message


def test_a_folder_without_course_toml_is_an_error(tmp_path):
    root = write_fixture(tmp_path)
    (root / "drafts").mkdir()
    assert problems_of(root) == [
        ("courses/drafts/course.toml", 1, "drafts/ is not a course: every folder here needs a course.toml")
    ]


def test_every_problem_is_reported_in_one_go(tmp_path):
    changes = {
        **edited("tiny-course/course.toml", 'currency = "usd"', 'currency = "USD"'),
        **edited(QUIZ, "pass_mark = 75", "pass_mark = 0"),
    }
    found = problems_of(write_fixture(tmp_path, changes))
    assert [(path, line) for path, line, _ in found] == [
        ("courses/tiny-course/course.toml", 6),
        (f"courses/{QUIZ}", 2),
    ]
