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
ROUTINE_KEYS = ("exercise", "side", "reps", "hold_seconds", "rest_seconds", "cues", "at")
DEFAULT_REST_SECONDS = 10
MAX_CUES, MAX_CUE_LENGTH = 6, 200
FRONT_MATTER_FIRST_LINE = 2
_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")


@dataclass(frozen=True)
class RoutineStep:
    """One exercise of the practice routine a lesson teaches."""

    exercise: str
    side: str  # left, right, both (together) or each (one side, then the other)
    reps: int
    hold_seconds: int
    # Optional in the file, and kept as written (None or empty when absent) so an export gives the same bytes.
    rest_seconds: int | None = None  # rest after the exercise; None means DEFAULT_REST_SECONDS
    cues: tuple[str, ...] = ()  # short reminders shown while practising ("breathe out as you lift")
    at: int | None = None  # the second of the lesson's video that shows the exercise

    @property
    def rest(self) -> int:
        return DEFAULT_REST_SECONDS if self.rest_seconds is None else self.rest_seconds

    def as_json(self) -> dict[str, Any]:
        """The form kept in ``Lesson.routine`` (JSON has no tuples)."""
        return {
            "exercise": self.exercise,
            "side": self.side,
            "reps": self.reps,
            "hold_seconds": self.hold_seconds,
            "rest_seconds": self.rest_seconds,
            "cues": list(self.cues),
            "at": self.at,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RoutineStep:
        """Read a stored step; rows imported before rest, cues and ``at`` existed lack those keys."""
        return cls(
            exercise=data["exercise"],
            side=data["side"],
            reps=data["reps"],
            hold_seconds=data["hold_seconds"],
            rest_seconds=data.get("rest_seconds"),
            cues=tuple(data.get("cues") or ()),
            at=data.get("at"),
        )


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
        "routine": None,
    }
    values["routine"] = _routine(table, values["duration"])
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


def _routine(table: Table, duration: int | None) -> tuple[RoutineStep, ...] | None:
    steps = table.tables("routine", default=[])
    if steps is None:
        return None
    routine = []
    for step in steps:
        step.allow(ROUTINE_KEYS)
        exercise, side = step.text("exercise"), step.choice("side", SIDES)
        reps, hold = step.integer("reps", minimum=1, maximum=100), step.integer("hold_seconds", maximum=300)
        rest = step.integer("rest_seconds", maximum=600, default=None)
        cues, at = _cues(step), _at(step, duration)
        required = (exercise, side, reps, hold, cues)
        if all(value is not None for value in required):
            routine.append(RoutineStep(exercise, side, reps, hold, rest, cues, at))
    return tuple(routine)


def _cues(step: Table) -> tuple[str, ...] | None:
    """A few short reminders; an empty list is refused so that leaving the key out is the one way."""
    cues = step.value("cues", list, "an array of strings", default=[])
    if cues is None:
        return None
    if "cues" in step.data and not cues:
        step.error("cues", "cues must list at least one cue (leave the key out for none)")
    elif len(cues) > MAX_CUES:
        step.error("cues", f"a step has at most {MAX_CUES} cues, not {len(cues)}")
    bad = [cue for cue in cues if not isinstance(cue, str) or not cue.strip() or len(cue) > MAX_CUE_LENGTH]
    if bad:
        step.error("cues", f"each cue must be a non-empty string of at most {MAX_CUE_LENGTH} characters")
    return tuple(cues) if cues and not bad else ()


def _at(step: Table, duration: int | None) -> int | None:
    """``at`` must fall within the lesson's video (a text-only lesson has no second to point at)."""
    at = step.integer("at", default=None)
    if at is None or duration is None:
        return at
    if duration == 0:
        step.error("at", "at points into the lesson's video, but this lesson has no video")
    elif at > duration:
        step.error("at", f"at = {at} is past the end of the lesson's video ({duration} seconds long)")
    return at


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
                ("rest_seconds", step.rest_seconds),
                ("cues", list(step.cues) or None),
                ("at", step.at),
            ]
            for step in lesson.routine
        ),
    )
    if routine:
        front += ["", *routine]
    return "\n".join([DELIMITER, *front, DELIMITER, "", lesson.body_markdown, ""])
