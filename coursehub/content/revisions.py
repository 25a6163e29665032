"""Lesson revisions and the marker of the last time the database and the files agreed.

Every save of a lesson (in the studio, by an import, by a restore) keeps a full copy of its text, so any
revision can be shown as a diff and restored. ``ContentSync`` records each export and import: a lesson
edited in the browser after the last one is what an import of older files would silently overwrite.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    select,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coursehub.accounts.models import User
from coursehub.content.files import CourseFile, LessonFile
from coursehub.content.models import Lesson
from coursehub.core.db_types import UTCDateTime, str_enum, utcnow
from coursehub.core.extensions import db


class RevisionSource(enum.StrEnum):
    BROWSER = "browser"
    IMPORT = "import"
    RESTORE = "restore"


class LessonRevision(db.Model):
    __tablename__ = "lesson_revisions"
    __table_args__ = (
        UniqueConstraint("lesson_id", "number", name="uq_lesson_revisions_lesson_number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lessons.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    source: Mapped[RevisionSource] = mapped_column(str_enum(RevisionSource, "revision_source"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(String(300))
    requires_rewatch: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(80))
    is_preview: Mapped[bool] = mapped_column(Boolean)
    routine: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    body_markdown: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lesson: Mapped[Lesson] = relationship()
    author: Mapped[User | None] = relationship()


class SyncKind(enum.StrEnum):
    EXPORT = "export"
    IMPORT = "import"


class ContentSync(db.Model):
    """One ``flask courses export`` or ``import``: after it, the files and the database agree."""

    __tablename__ = "content_syncs"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[SyncKind] = mapped_column(str_enum(SyncKind, "sync_kind"))
    synced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def record_revision(
    lesson: Lesson,
    source: RevisionSource,
    note: str,
    author: User | None = None,
    requires_rewatch: bool = False,
) -> LessonRevision:
    """Keep a copy of the lesson's text as it is now, numbered after the lesson's last revision."""
    last = db.session.scalar(
        select(func.max(LessonRevision.number)).where(LessonRevision.lesson_id == lesson.id)
    )
    revision = LessonRevision(
        lesson=lesson,
        number=(last or 0) + 1,
        source=source,
        author=author,
        note=note,
        requires_rewatch=requires_rewatch,
        title=lesson.title,
        slug=lesson.slug,
        is_preview=lesson.is_preview,
        routine=list(lesson.routine),
        body_markdown=lesson.body_markdown,
    )
    db.session.add(revision)
    return revision


def record_sync(kind: SyncKind, now: datetime | None = None) -> None:
    db.session.add(ContentSync(kind=kind, synced_at=now or utcnow()))


def last_sync_at() -> datetime | None:
    return db.session.scalar(select(func.max(ContentSync.synced_at)))


def lessons_edited_since_sync() -> dict[int, LessonRevision]:
    """Lessons saved in the browser (or restored) after the last export or import, with that revision."""
    since = last_sync_at()
    query = select(LessonRevision).where(LessonRevision.source != RevisionSource.IMPORT)
    if since is not None:
        query = query.where(LessonRevision.created_at > since)
    revisions = db.session.scalars(query.order_by(LessonRevision.id))
    return {revision.lesson_id: revision for revision in revisions}


def import_conflicts(courses: Iterable[CourseFile]) -> list[str]:
    """Lessons edited in the browser since the last sync whose files now say something else.

    An import would silently overwrite those edits, so the import stops and names each one (file and the
    browser revision) unless forced. A file that matches the edit (an export was committed) is no conflict.
    """
    edited = lessons_edited_since_sync()
    if not edited:
        return []
    files = {
        (course.slug, lesson.slug): lesson
        for course in courses
        for module in course.modules
        for lesson in module.lessons
    }
    conflicts = []
    for lesson_id, revision in edited.items():
        lesson = db.session.get(Lesson, lesson_id)
        lesson_file = files.get((lesson.course.slug, lesson.slug))
        if lesson_file is None or _differs(lesson, lesson_file):
            where = (
                lesson_file.source.as_posix() if lesson_file else f"{lesson.course.slug}/…/{lesson.slug}.md"
            )
            who = revision.author.display_name if revision.author else "someone"
            conflicts.append(
                f"{where}: edited in the browser by {who} at {revision.created_at:%Y-%m-%d %H:%M} UTC "
                f"(revision {revision.number}, “{revision.note}”) after the last export"
            )
    return sorted(conflicts)


def _differs(lesson: Lesson, lesson_file: LessonFile) -> bool:
    return (
        lesson.title != lesson_file.title
        or lesson.body_markdown != lesson_file.body_markdown
        or lesson.is_preview != lesson_file.preview
        or lesson.routine != [step.as_json() for step in lesson_file.routine]
    )
