"""A course's outline as plain data, kept in the app's cache under the catalog's version.

The lesson page needs every module, lesson and quiz of its course (titles, order, previews, drip days)
to draw the outline and find the previous and next step; loading them as ORM rows was a third of its
time. The outline is the same for every learner, so it is built once from ``syllabus`` and kept as JSON
(``core.cache``, Redis with ``REDIS_URL``), and a flush that changes a course, module, lesson or quiz
moves the version (``watch_outline_rows``), as the studio's publish does by hand. Every current module is
kept with its publication time, and which are published is decided when read, so a scheduled module
opens on time without any write; ``MAX_AGE`` bounds what no write path announces (SQL by hand, a backup
restored). The objects answer the attributes the access rule, the path and the templates read of
``Module``, ``Lesson`` and ``Quiz``; they are not rows, and nothing writes through them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime

from coursehub.content.catalog_version import CATALOG
from coursehub.content.models import Course, Lesson, Module, Quiz
from coursehub.content.queries import syllabus
from coursehub.core.cache import cached, watch
from coursehub.core.db_types import utcnow

MAX_AGE = 60.0  # seconds


@dataclass(eq=False)
class OutlineLesson:
    id: int
    course_id: int
    module_id: int
    slug: str
    position: int
    title: str
    duration_seconds: int
    is_preview: bool
    archived_at: None = None  # the outline holds current lessons only
    module: OutlineModule | None = field(default=None, repr=False)


@dataclass(eq=False)
class OutlineQuiz:
    id: int
    module_id: int
    title: str
    archived_at: None = None


@dataclass(eq=False)
class OutlineModule:
    id: int
    course_id: int
    slug: str
    position: int
    title: str
    summary: str
    drip_days: int
    published_at: datetime | None
    lessons: list[OutlineLesson]
    quiz: OutlineQuiz | None
    archived_at: None = None

    def is_published(self, now: datetime | None = None) -> bool:
        return self.published_at is not None and self.published_at <= (now or utcnow())


def watch_outline_rows() -> None:
    """Every row an outline is made of moves the catalog's version when a flush changes it."""
    watch((Course, Module, Lesson, Quiz), CATALOG)


def course_outline(course: Course, now: datetime | None = None) -> list[OutlineModule]:
    """The published modules of ``course`` with their current lessons and quiz, in order, as a learner
    sees them. Staff previews of drafts use ``syllabus(include_drafts=True)``."""
    now = now or utcnow()

    def build():
        return _to_json(syllabus(course, include_drafts=True)), lambda: MAX_AGE

    kept = cached(CATALOG, f"outline:{course.id}", build, keep=lambda: True)
    return [module for module in _from_json(kept) if module.is_published(now)]


def _to_json(modules: list[Module]) -> str:
    return json.dumps(
        [
            {
                "id": module.id,
                "course_id": module.course_id,
                "slug": module.slug,
                "position": module.position,
                "title": module.title,
                "summary": module.summary,
                "drip_days": module.drip_days,
                "published_at": module.published_at.isoformat() if module.published_at else None,
                "lessons": [
                    [
                        lesson.id,
                        lesson.slug,
                        lesson.position,
                        lesson.title,
                        lesson.duration_seconds,
                        lesson.is_preview,
                    ]
                    for lesson in module.lessons
                ],
                "quiz": (
                    [module.quiz.id, module.quiz.title]
                    if module.quiz is not None and module.quiz.archived_at is None
                    else None
                ),
            }
            for module in modules
        ]
    )


def _from_json(text: str) -> list[OutlineModule]:
    modules = []
    for item in json.loads(text):
        published = item["published_at"]
        module = OutlineModule(
            id=item["id"],
            course_id=item["course_id"],
            slug=item["slug"],
            position=item["position"],
            title=item["title"],
            summary=item["summary"],
            drip_days=item["drip_days"],
            published_at=datetime.fromisoformat(published) if published else None,
            lessons=[],
            quiz=OutlineQuiz(item["quiz"][0], item["id"], item["quiz"][1]) if item["quiz"] else None,
        )
        module.lessons = [
            OutlineLesson(
                lesson_id,
                item["course_id"],
                item["id"],
                slug,
                position,
                title,
                seconds,
                preview,
                None,
                module,
            )
            for lesson_id, slug, position, title, seconds, preview in item["lessons"]
        ]
        modules.append(module)
    return modules
