"""Lesson files: ``NN-<slug>.md``, TOML front matter between ``+++`` lines, then the Markdown text."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from coursehub.content.errors import Problems
from coursehub.content.markdown import markdown_problems, render_markdown
from coursehub.content.tables import Table, read_text, read_toml
from coursehub.content.toml_format import toml_assignments, toml_table_array

DELIMITER = "+++"
SIDES = ("left", "right", "both", "each")
LESSON_KEYS = ("title", "slug", "video", "duration", "preview", "captions", "routine")
ROUTINE_KEYS = ("exercise", "side", "reps", "hold_seconds")
FRONT_MATTER_FIRST_LINE = 2
_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


@dataclass(frozen=True)
class RoutineStep:
    """One exercise of the practice routine a lesson teaches."""

    exercise: str
    side: str  # left, right, both (together) or each (one side, then the other)
    reps: int
    hold_seconds: int


@dataclass(frozen=True)
class LessonFile:
    """One lesson, as written in ``<course>/NN-<module>/NN-<slug>.md``.

    ``source`` is relative to the catalog root, so the same content loaded from two folders is equal.
    """

    slug: str
    position: int
    title: str
    video: str | None
    duration: int  # seconds; 0 for a text-only lesson
    preview: bool
    captions: str | None
    routine: tuple[RoutineStep, ...]
    body_markdown: str
    body_html: str
    source: Path


@dataclass(frozen=True)
class _Parts:
    """A lesson file cut at its delimiters; line numbers are the file's."""

    front: str
    close_line: int
    body: str
    body_line: int


def read_lesson(
    path: Path, root: Path, course_slug: str, position: int, problems: Problems, taken: dict[str, Path]
) -> LessonFile | None:
    """Read and check one lesson file whose name (``NN-<slug>.md``) was already checked.

    :param taken: the lesson slugs already seen in this course, with their file (relative to ``root``);
        this lesson's slug is added, as slugs are unique within a course.
    :return: the lesson, or None when it has problems (all of them reported).
    """
    text = read_text(path, problems)
    parts = _split(path, text, problems) if text is not None else None
    table = read_toml(path, parts.front, problems, FRONT_MATTER_FIRST_LINE) if parts else None
    if parts is None or table is None:
        return None
    name_slug = path.stem.split("-", 1)[1]
    table.allow(LESSON_KEYS)
    values = {
        "slug": _slug(table, name_slug, path.name, taken, path.relative_to(root)),
        "title": table.text("title"),
        "video": _media(table, "video", f"{course_slug}/{name_slug}.mp4"),
        "duration": table.integer("duration", default=0),
        "preview": table.flag("preview"),
        "captions": _media(table, "captions", f"{course_slug}/{name_slug}.vtt"),
        "routine": _routine(table),
    }
    _check_video(table, values)
    body_html = _body_html(table, parts)
    if table.failed:
        return None
    return LessonFile(
        position=position,
        body_markdown=parts.body,
        body_html=body_html,
        source=path.relative_to(root),
        **values,
    )


def _split(path: Path, text: str, problems: Problems) -> _Parts | None:
    """Front matter and body; the front matter must be delimited by lines that are exactly ``+++``."""
    lines = text.split("\n")
    if lines[0].rstrip() != DELIMITER:
        problems.add(path, 1, "a lesson must start with a '+++' line that opens its TOML front matter")
        return None
    close = next((i for i in range(1, len(lines)) if lines[i].rstrip() == DELIMITER), None)
    if close is None:
        problems.add(path, 1, "the front matter opened on line 1 is never closed by a '+++' line")
        return None
    rest = "\n".join(lines[close + 1 :])
    blank = _BLANK_LINES.match(rest)
    skipped = blank.group().count("\n") if blank else 0
    return _Parts(
        front="\n".join(lines[1:close]),
        close_line=close + 1,
        body=rest[blank.end() if blank else 0 :].rstrip(),
        body_line=close + 2 + skipped,
    )


def _slug(table: Table, name_slug: str, file_name: str, taken: dict[str, Path], source: Path) -> str | None:
    """The slug is the lesson's identity: it matches the file name and is unique within the course."""
    slug = table.slug("slug")
    if slug is None:
        return None
    if slug != name_slug:
        table.error(
            "slug", f"slug {slug!r} does not match the file name {file_name!r} (expected NN-{slug}.md)"
        )
    if slug in taken:
        used_by = taken[slug].as_posix()
        table.error("slug", f"lesson slug {slug!r} is already used in this course by {used_by}")
    else:
        taken[slug] = source
    return slug


def _media(table: Table, key: str, expected: str) -> str | None:
    """Video and captions live at ``<course-slug>/<lesson-slug>.<ext>`` so a renamed slug is noticed."""
    value = table.text(key, default=None)
    if value is not None and value != expected:
        table.error(key, f"{key} must be {expected!r} (<course-slug>/<lesson-slug>), not {value!r}")
    return value


def _check_video(table: Table, values: dict[str, Any]) -> None:
    """Duration, video and captions must agree: a text-only lesson has none of them."""
    video, duration = values["video"], values["duration"]
    if duration is None:
        return
    if video is not None and duration == 0:
        table.error(
            "duration" if "duration" in table.data else "video",
            "a lesson with a video needs its duration in seconds",
        )
    if video is None and "video" in table.data:
        return  # the video itself was reported
    if video is None and duration > 0:
        table.error("duration", "duration is the length of the video, but this lesson has no video")
    if video is None and values["captions"] is not None:
        table.error("captions", "captions belong to a video, but this lesson has no video")


def _routine(table: Table) -> tuple[RoutineStep, ...] | None:
    steps = table.tables("routine", default=[])
    if steps is None:
        return None
    routine = []
    for step in steps:
        step.allow(ROUTINE_KEYS)
        exercise, side = step.text("exercise"), step.choice("side", SIDES)
        reps, hold = step.integer("reps", minimum=1), step.integer("hold_seconds")
        if exercise is not None and side is not None and reps is not None and hold is not None:
            routine.append(RoutineStep(exercise, side, reps, hold))
    return tuple(routine)


def _body_html(table: Table, parts: _Parts) -> str:
    """The rendered body; an empty body, images or stray heading levels are reported at their line."""
    if not parts.body:
        table.source.report(parts.close_line, "the lesson has no text after its front matter")
        return ""
    for line, message in markdown_problems(parts.body):
        table.source.report(parts.body_line + line, message)
    return render_markdown(parts.body)


def lesson_file_name(lesson: LessonFile) -> str:
    return f"{lesson.position:02d}-{lesson.slug}.md"


def lesson_text(lesson: LessonFile) -> str:
    """The lesson file, in the layout of the shipped content (see courses/README.md)."""
    front = toml_assignments(
        [
            ("title", lesson.title),
            ("slug", lesson.slug),
            ("video", lesson.video),
            ("duration", lesson.duration),
            ("preview", lesson.preview),
            ("captions", lesson.captions),
        ]
    )
    routine = toml_table_array(
        "routine",
        (
            [
                ("exercise", step.exercise),
                ("side", step.side),
                ("reps", step.reps),
                ("hold_seconds", step.hold_seconds),
            ]
            for step in lesson.routine
        ),
    )
    if routine:
        front += ["", *routine]
    return "\n".join([DELIMITER, *front, DELIMITER, "", lesson.body_markdown, ""])
