"""The course content folder (``courses/``) as plain, validated objects, and back to files.

The format is described in ``courses/README.md``. This module knows nothing of the database: the
import and export commands map these objects to rows. Loading checks everything before returning, so
an import never starts on content that would fail halfway; every problem is reported with its file
and line.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from coursehub.content.errors import ContentError, ContentErrors, Problems
from coursehub.content.lesson_files import (
    LessonFile,
    RoutineStep,
    lesson_file_name,
    lesson_text,
    read_lesson,
)
from coursehub.content.markdown import render_markdown
from coursehub.content.quiz_files import QuestionFile, QuizFile, quiz_text, read_quiz
from coursehub.content.tables import SLUG, Table, read_text, read_toml
from coursehub.content.toml_format import toml_assignments

__all__ = [
    "ContentError",
    "ContentErrors",
    "CourseFile",
    "LessonFile",
    "ModuleFile",
    "QuestionFile",
    "QuizFile",
    "RoutineStep",
    "dump_catalog",
    "load_catalog",
    "render_markdown",
]

COURSE_KEYS = ("title", "subtitle", "summary", "access", "price", "currency", "order")
MODULE_KEYS = ("title", "summary", "drip_days")
ACCESS = ("free", "paid")
COURSE_TOML, MODULE_TOML, QUIZ_TOML = "course.toml", "module.toml", "quiz.toml"
_SLUG = SLUG.pattern
_MODULE_NAME = re.compile(rf"(\d\d)-({_SLUG})")
_LESSON_NAME = re.compile(rf"(\d\d)-({_SLUG})\.md")
_CURRENCY = re.compile(r"[a-z]{3}")
_FORMS = {True: "NN-<module-slug>", False: "NN-<lesson-slug>.md"}


@dataclass(frozen=True)
class ModuleFile:
    """One module, as written in ``<course>/NN-<slug>/`` (``position`` is NN)."""

    slug: str
    position: int
    title: str
    summary: str
    drip_days: int  # days after enrolment before the module opens
    lessons: tuple[LessonFile, ...]
    quiz: QuizFile | None


@dataclass(frozen=True)
class CourseFile:
    """One course, as written in ``<slug>/course.toml`` and the module folders beside it."""

    slug: str
    title: str
    subtitle: str
    summary: str
    access: str  # "free" or "paid"
    price: int  # minor units (cents)
    currency: str  # lowercase ISO 4217 code
    order: int  # position in the catalog
    modules: tuple[ModuleFile, ...]


@dataclass(frozen=True)
class _Entry:
    """A numbered folder or file, ``NN-<slug>``, before it is read."""

    position: int
    slug: str
    path: Path


# ---- loading ---------------------------------------------------------------------------------------


def load_catalog(root: Path) -> tuple[CourseFile, ...]:
    """Read and check every course folder under ``root``, in catalog order.

    Files in ``root`` (README.md, disclaimer.md, safety.md) and hidden entries are ignored; every other
    folder is a course and must hold a course.toml.

    :raise ContentErrors: listing every problem found, each with its file (relative to the parent of
        ``root``) and line; nothing is returned unless all the content is valid.
    """
    root = root.absolute()
    problems = Problems(root.parent)
    if not root.is_dir():
        problems.add(root, 1, "the course content folder does not exist")
        problems.raise_if_any()
    orders: dict[int, str] = {}
    courses = [_read_course(folder, root, problems, orders) for folder in _visible(root) if folder.is_dir()]
    problems.raise_if_any()
    return tuple(sorted((course for course in courses if course), key=lambda course: course.order))


def _visible(folder: Path) -> list[Path]:
    """The folder's entries in name order, without hidden ones (.DS_Store, editor swap files)."""
    return sorted(path for path in folder.iterdir() if not path.name.startswith("."))


def _read_course(folder: Path, root: Path, problems: Problems, orders: dict[int, str]) -> CourseFile | None:
    before = len(problems)
    path = folder / COURSE_TOML
    if not path.is_file():
        problems.add(path, 1, f"{folder.name}/ is not a course: every folder here needs a {COURSE_TOML}")
        return None
    if not SLUG.fullmatch(folder.name):
        problems.add(path, 1, f"the folder name {folder.name!r} is the course's slug, but is not a slug")
    text = read_text(path, problems)
    table = read_toml(path, text, problems) if text is not None else None
    values = course_values(table, folder.name, orders) if table else {}
    modules = _read_modules(folder, root, problems)
    if len(problems) > before or modules is None:
        return None
    return CourseFile(slug=folder.name, modules=modules, **values)


def course_values(table: Table, slug: str, orders: dict[int, str]) -> dict[str, object]:
    """The checked values of a course.toml (the studio checks its course form with this too)."""
    table.allow(COURSE_KEYS)
    values = {
        "title": table.text("title"),
        "subtitle": table.text("subtitle"),
        "summary": table.text("summary"),
        "access": table.choice("access", ACCESS),
        "price": table.integer("price"),
        "currency": table.text("currency"),
        "order": table.integer("order"),
    }
    if values["access"] == "free" and values["price"]:
        table.error("price", "a free course has price = 0")
    if values["access"] == "paid" and values["price"] == 0:
        table.error("price", "a paid course needs a price above 0 (in minor units, e.g. cents)")
    if values["currency"] is not None and not _CURRENCY.fullmatch(str(values["currency"])):
        table.error(
            "currency",
            f"currency must be a lowercase three-letter code such as 'usd', not {values['currency']!r}",
        )
    order = values["order"]
    if isinstance(order, int) and order in orders:
        table.error("order", f"order = {order} is already used by the course {orders[order]!r}")
    elif isinstance(order, int):
        orders[order] = slug
    return values


def _read_modules(folder: Path, root: Path, problems: Problems) -> tuple[ModuleFile, ...] | None:
    """All lessons of the course first (slugs are unique course-wide), then modules and quizzes."""
    entries = _entries(folder, _MODULE_NAME, {COURSE_TOML}, problems, want_folders=True)
    if not entries:
        problems.add(folder / COURSE_TOML, 1, "a course needs at least one module folder (NN-<module-slug>)")
    taken: dict[str, Path] = {}
    lessons = {entry.path: _read_lessons(entry.path, root, folder.name, problems, taken) for entry in entries}
    every_lesson = [lesson for found in lessons.values() for lesson in found]
    durations = (
        None if None in every_lesson else {lesson.slug: lesson.duration for lesson in every_lesson if lesson}
    )
    modules = [_read_module(entry, lessons[entry.path], durations, problems) for entry in entries]
    if None in modules:
        return None
    return tuple(module for module in modules if module)


def _read_lessons(
    folder: Path, root: Path, course_slug: str, problems: Problems, taken: dict[str, Path]
) -> list[LessonFile | None]:
    entries = _entries(folder, _LESSON_NAME, {MODULE_TOML, QUIZ_TOML}, problems, want_folders=False)
    if not entries:
        problems.add(folder / MODULE_TOML, 1, "a module needs at least one lesson file (NN-<lesson-slug>.md)")
    return [read_lesson(entry.path, root, course_slug, entry.position, problems, taken) for entry in entries]


def _read_module(
    entry: _Entry, lessons: list[LessonFile | None], durations: dict[str, int] | None, problems: Problems
) -> ModuleFile | None:
    """The module from its module.toml, its lessons (already read) and its quiz.toml, if any."""
    before = len(problems)
    path = entry.path / MODULE_TOML
    if path.is_file():
        text = read_text(path, problems)
    else:
        text = None
        problems.add(path, 1, f"a module folder needs a {MODULE_TOML} (title and summary)")
    table = read_toml(path, text, problems) if text is not None else None
    values = module_values(table) if table else {}
    quiz_path = entry.path / QUIZ_TOML
    quiz = read_quiz(quiz_path, problems, durations) if quiz_path.is_file() else None
    if len(problems) > before or None in lessons:
        return None
    return ModuleFile(slug=entry.slug, position=entry.position, lessons=tuple(lessons), quiz=quiz, **values)


def module_values(table: Table) -> dict[str, object]:
    """The checked values of a module.toml (the studio checks its module form with this too)."""
    table.allow(MODULE_KEYS)
    return {
        "title": table.text("title"),
        "summary": table.text("summary"),
        "drip_days": table.integer("drip_days", default=0),
    }


def _entries(
    folder: Path, pattern: re.Pattern[str], known: set[str], problems: Problems, *, want_folders: bool
) -> list[_Entry]:
    """The numbered entries of a folder; stray files and misnamed or clashing entries are reported."""
    kind = "module folder" if want_folders else "lesson file"
    holds = f"{', '.join(sorted(known))} and {kind}s named {_FORMS[want_folders]} (NN from 01)"
    entries: list[_Entry] = []
    for path in _visible(folder):
        match = pattern.fullmatch(path.name)
        if path.name in known and path.is_file():
            continue
        if not match or path.is_dir() != want_folders or int(match[1]) == 0:
            problems.add(path, 1, f"unexpected {path.name!r}: this folder holds {holds}")
            continue
        entry = _Entry(int(match[1]), match[2], path)
        clash = next(
            (other for other in entries if entry.position == other.position or entry.slug == other.slug), None
        )
        if clash:
            problems.add(
                path, 1, f"this {kind} clashes with {clash.path.name!r}: positions and slugs are unique"
            )
        entries.append(entry)
    return entries


# ---- dumping ---------------------------------------------------------------------------------------


def dump_catalog(courses: Iterable[CourseFile], root: Path) -> None:
    """Write courses as course folders under ``root``, in the layout :func:`load_catalog` reads.

    Each course's folder is made to match the course: module folders, lesson files and quiz files that
    are no longer part of it are removed. Other folders in ``root`` are left alone.
    """
    for course in courses:
        folder = root / course.slug
        folder.mkdir(parents=True, exist_ok=True)
        _write(folder / COURSE_TOML, course_text(course))
        for module in course.modules:
            _dump_module(module, folder / module_folder_name(module))
        _prune(folder, _MODULE_NAME, {module_folder_name(module) for module in course.modules})


def _dump_module(module: ModuleFile, folder: Path) -> None:
    folder.mkdir(exist_ok=True)
    _write(folder / MODULE_TOML, module_text(module))
    for lesson in module.lessons:
        _write(folder / lesson_file_name(lesson), lesson_text(lesson))
    _prune(folder, _LESSON_NAME, {lesson_file_name(lesson) for lesson in module.lessons})
    if module.quiz is not None:
        _write(folder / QUIZ_TOML, quiz_text(module.quiz))
    else:
        (folder / QUIZ_TOML).unlink(missing_ok=True)


def _prune(folder: Path, pattern: re.Pattern[str], keep: set[str]) -> None:
    """Remove numbered entries that were not just written: a renamed slug must not leave its old file."""
    for path in folder.iterdir():
        if pattern.fullmatch(path.name) and path.name not in keep:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def _write(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8", newline="\n")


def module_folder_name(module: ModuleFile) -> str:
    return f"{module.position:02d}-{module.slug}"


def course_text(course: CourseFile) -> str:
    """course.toml, in the layout of courses/README.md."""
    return "\n".join(
        [
            *toml_assignments(
                [
                    ("title", course.title),
                    ("subtitle", course.subtitle),
                    ("summary", course.summary),
                    ("access", course.access),
                    ("price", course.price),
                    ("currency", course.currency),
                    ("order", course.order),
                ]
            ),
            "",
        ]
    )


def module_text(module: ModuleFile) -> str:
    """module.toml; ``drip_days`` is written only when the module does not open at once."""
    return "\n".join(
        [
            *toml_assignments(
                [
                    ("title", module.title),
                    ("summary", module.summary),
                    ("drip_days", module.drip_days or None),
                ]
            ),
            "",
        ]
    )
