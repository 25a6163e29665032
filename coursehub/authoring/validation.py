"""The browser's edits checked by the file importer's own readers, so both give the same messages.

An edit is written as the file it would be in ``courses/`` (into a temporary folder laid out the same
way) and read back with the importer's reader for that kind of file. The messages therefore name the
file and line the author would see from ``flask courses import``.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path

from coursehub.content.errors import Problems
from coursehub.content.files import (
    COURSE_TOML,
    MODULE_TOML,
    QUIZ_TOML,
    CourseFile,
    ModuleFile,
    course_text,
    course_values,
    module_text,
    module_values,
)
from coursehub.content.lesson_files import LessonFile, lesson_file_name, lesson_text, read_lesson
from coursehub.content.models import Lesson, Module
from coursehub.content.quiz_files import QuizFile, read_quiz
from coursehub.content.tables import SLUG, read_text, read_toml

ROOT_NAME = "courses"


def _module_folder(module: Module) -> str:
    return f"{module.position:02d}-{module.slug}"


def checked_lesson(lesson_file: LessonFile, module: Module, other_slugs: Mapping[str, str]) -> LessonFile:
    """The lesson as the importer reads it (with its rendered, sanitised HTML).

    :param other_slugs: the course's other lesson slugs, each with the file that uses it.
    :raise ContentErrors: every problem, as ``courses/<course>/<module>/NN-<slug>.md:LINE: message``.
    """
    with tempfile.TemporaryDirectory(prefix="coursehub-edit-") as temp:
        root = Path(temp) / ROOT_NAME
        folder = root / module.course.slug / _module_folder(module)
        folder.mkdir(parents=True)
        path = folder / lesson_file_name(lesson_file)
        path.write_text(lesson_text(lesson_file), encoding="utf-8", newline="\n")
        problems = Problems(root.parent)
        taken = {slug: Path(source) for slug, source in other_slugs.items()}
        result = read_lesson(path, root, module.course.slug, lesson_file.position, problems, taken)
        problems.raise_if_any()
        assert result is not None  # read_lesson reports a problem whenever it returns None
        return result


def checked_quiz(text: str, module: Module, durations: Mapping[str, int]) -> QuizFile:
    """A module's quiz.toml as the importer reads it. :raise ContentErrors: as for lessons."""
    with tempfile.TemporaryDirectory(prefix="coursehub-edit-") as temp:
        root = Path(temp) / ROOT_NAME
        folder = root / module.course.slug / _module_folder(module)
        folder.mkdir(parents=True)
        path = folder / QUIZ_TOML
        path.write_text(text, encoding="utf-8", newline="\n")
        problems = Problems(root.parent)
        result = read_quiz(path, problems, durations)
        problems.raise_if_any()
        assert result is not None
        return result


def checked_module(module: Module, title: str, summary: str, drip_days: int) -> dict[str, object]:
    """A module's title, summary and drip delay as the importer reads its module.toml.

    :raise ContentErrors: as for lessons, naming ``courses/<course>/NN-<module>/module.toml``.
    """
    candidate = ModuleFile(module.slug, module.position, title, summary, drip_days, lessons=(), quiz=None)
    with tempfile.TemporaryDirectory(prefix="coursehub-edit-") as temp:
        root = Path(temp) / ROOT_NAME
        folder = root / module.course.slug / _module_folder(module)
        folder.mkdir(parents=True)
        path = folder / MODULE_TOML
        path.write_text(module_text(candidate), encoding="utf-8", newline="\n")
        problems = Problems(root.parent)
        text = read_text(path, problems)
        table = read_toml(path, text, problems) if text is not None else None
        values = module_values(table) if table else {}
        problems.raise_if_any()
        return values


def lesson_file_stem(lesson: Lesson) -> str:
    return f"{lesson.position:02d}-{lesson.slug}"


def lesson_sources(lessons: list[Lesson], skip: Lesson | None = None) -> dict[str, str]:
    """Each current lesson's slug and its file, as the importer would name it in a clash message."""
    return {
        lesson.slug: f"{lesson.course.slug}/{_module_folder(lesson.module)}/{lesson_file_stem(lesson)}.md"
        for lesson in lessons
        if lesson is not skip and lesson.archived_at is None
    }


def checked_course(candidate: CourseFile, other_orders: Mapping[int, str]) -> dict[str, object]:
    """A course's settings as the importer reads its course.toml (and its folder name as the slug).

    :param other_orders: the catalog positions of the other courses, each with its slug.
    :raise ContentErrors: naming ``courses/<course>/course.toml`` and the line.
    """
    with tempfile.TemporaryDirectory(prefix="coursehub-edit-") as temp:
        root = Path(temp) / ROOT_NAME
        folder = root / (candidate.slug if SLUG.fullmatch(candidate.slug) else "new-course")
        folder.mkdir(parents=True)
        path = folder / COURSE_TOML
        path.write_text(course_text(candidate), encoding="utf-8", newline="\n")
        problems = Problems(root.parent)
        if not SLUG.fullmatch(candidate.slug):
            problems.add(path, 1, f"the slug {candidate.slug!r} is not a slug (lowercase words joined by -)")
        text = read_text(path, problems)
        table = read_toml(path, text, problems) if text is not None else None
        values = course_values(table, candidate.slug, dict(other_orders)) if table else {}
        problems.raise_if_any()
        return values
