"""Saving a lesson from the browser: checked like a file, kept as a revision, never overwriting a newer save.

Two people editing the same lesson each submit the version they started from; the second save finds the
version moved and is refused with the newer revision named (SQLAlchemy's version counter also guards the
moment between the check and the write). Completion stays after an edit, unless the revision is marked
"requires re-watch", which clears it for this lesson only.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm.exc import StaleDataError

from coursehub.authoring.validation import checked_lesson, lesson_sources
from coursehub.content.errors import ContentErrors
from coursehub.content.lesson_files import LessonFile, RoutineStep
from coursehub.content.models import Lesson
from coursehub.content.revisions import LessonRevision, RevisionSource, record_revision
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import LessonProgress

ROUTINE_HINT = "write each step as: exercise | side | repetitions | hold seconds"


class EditError(Exception):
    """An edit can't be saved; ``messages`` lists why, in the importer's words where it checked."""

    def __init__(self, messages: list[str]) -> None:
        super().__init__("; ".join(messages))
        self.messages = messages


class LessonConflict(Exception):
    """The lesson changed since the author opened it; ``revision`` is the newer one (if recorded)."""

    def __init__(self, revision: LessonRevision | None) -> None:
        super().__init__("the lesson changed since you opened it")
        self.revision = revision


@dataclass(frozen=True)
class LessonDraft:
    """What the edit form sends: the parts of a lesson an author writes."""

    title: str
    slug: str
    preview: bool
    routine_text: str
    body: str


def parse_routine(text: str) -> list[dict]:
    """Routine lines (``exercise | side | reps | hold``); numbers stay text when they are not, so the
    importer's own check reports them."""
    steps, problems = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [part.strip() for part in line.split("|")]
        if len(parts) != 4:
            problems.append(f"routine line {number}: {ROUTINE_HINT}")
            continue
        exercise, side, reps, hold = parts
        steps.append(
            {
                "exercise": exercise,
                "side": side,
                "reps": int(reps) if reps.isdigit() else reps,
                "hold_seconds": int(hold) if hold.isdigit() else hold,
            }
        )
    if problems:
        raise EditError(problems)
    return steps


def routine_text(routine: list[dict]) -> str:
    return "\n".join(
        f"{step['exercise']} | {step['side']} | {step['reps']} | {step['hold_seconds']}" for step in routine
    )


def _checked(lesson: Lesson, draft: LessonDraft) -> LessonFile:
    steps = parse_routine(draft.routine_text)
    candidate = LessonFile(
        slug=draft.slug.strip(),
        position=lesson.position,
        title=draft.title.strip(),
        video=lesson.video_ref,
        duration=lesson.duration_seconds,
        preview=draft.preview,
        captions=lesson.captions_ref,
        routine=tuple(RoutineStep.from_json(step) for step in steps),
        body_markdown=draft.body.replace("\r\n", "\n").strip(),
        body_html="",
        source=Path(),
    )
    siblings = db.session.scalars(
        select(Lesson).where(Lesson.course_id == lesson.course_id, Lesson.id != lesson.id)
    ).all()
    return checked_lesson(candidate, lesson.module, lesson_sources(list(siblings)))


def latest_revision(lesson: Lesson) -> LessonRevision | None:
    return db.session.scalar(
        select(LessonRevision)
        .where(LessonRevision.lesson_id == lesson.id)
        .order_by(LessonRevision.number.desc())
        .limit(1)
    )


def _ensure_baseline(lesson: Lesson) -> None:
    """A lesson imported before it was ever edited gets its current text as revision 1 (for the diff)."""
    if latest_revision(lesson) is None:
        record_revision(lesson, RevisionSource.IMPORT, "as it was before the first edit in the studio")


def save_lesson(
    actor,
    lesson: Lesson,
    draft: LessonDraft,
    expected_version: int,
    note: str,
    requires_rewatch: bool = False,
    now: datetime | None = None,
    source: RevisionSource = RevisionSource.BROWSER,
) -> LessonRevision:
    """Check, apply and record one save; the caller commits, or rolls back after a conflict.

    :raise LessonConflict: the lesson moved on since ``expected_version``.
    :raise EditError: the text fails the importer's checks, or the note is missing.
    """
    if expected_version != lesson.version:
        raise LessonConflict(latest_revision(lesson))
    note = note.strip()
    if not note:
        raise EditError(["say in a few words what you changed (the revision note)"])
    try:
        checked = _checked(lesson, draft)
    except ContentErrors as errors:
        raise EditError([str(error) for error in errors.errors]) from None
    _ensure_baseline(lesson)
    _apply(lesson, checked, now or utcnow())
    return _record(actor, lesson, source, note[:300], requires_rewatch)


def _apply(lesson: Lesson, checked: LessonFile, now: datetime) -> None:
    if (lesson.title, lesson.body_markdown) != (checked.title, checked.body_markdown):
        lesson.revised_at = now
    lesson.title = checked.title
    lesson.slug = checked.slug
    lesson.is_preview = checked.preview
    lesson.routine = [step.as_json() for step in checked.routine]
    lesson.body_markdown = checked.body_markdown
    lesson.body_html = checked.body_html


def _record(
    actor, lesson: Lesson, source: RevisionSource, note: str, requires_rewatch: bool
) -> LessonRevision:
    try:
        db.session.flush()  # the version check happens here: UPDATE ... WHERE version = <read version>
    except StaleDataError:
        raise LessonConflict(None) from None
    revision = record_revision(lesson, source, note, author=actor, requires_rewatch=requires_rewatch)
    if requires_rewatch:
        db.session.execute(
            update(LessonProgress)
            .where(LessonProgress.lesson_id == lesson.id, LessonProgress.completed_at.is_not(None))
            .values(completed_at=None)
            .execution_options(synchronize_session=False)
        )
    db.session.flush()
    return revision


def record_media_change(actor, lesson: Lesson, note: str) -> LessonRevision:
    """A new video or captions file, already set on ``lesson``: kept in the history like a text save.

    :raise LessonConflict: someone saved the lesson meanwhile (the version counter moved).
    """
    _ensure_baseline(lesson)
    return _record(actor, lesson, RevisionSource.BROWSER, note[:300], requires_rewatch=False)


def restore_revision(
    actor, lesson: Lesson, revision: LessonRevision, expected_version: int
) -> LessonRevision:
    """Bring an old revision's text back as a new revision (history is never rewritten)."""
    draft = LessonDraft(
        title=revision.title,
        slug=revision.slug,
        preview=revision.is_preview,
        routine_text=routine_text(revision.routine),
        body=revision.body_markdown,
    )
    note = f"restored revision {revision.number}"
    return save_lesson(actor, lesson, draft, expected_version, note, source=RevisionSource.RESTORE)


def revisions_of(lesson: Lesson) -> list[LessonRevision]:
    return list(
        db.session.scalars(
            select(LessonRevision)
            .where(LessonRevision.lesson_id == lesson.id)
            .order_by(LessonRevision.number.desc())
        )
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "add", "del" or "same"
    text: str


def revision_diff(before: LessonRevision | None, after: LessonRevision) -> list[DiffLine]:
    """What ``after`` changed in the title and text, line by line."""
    old = [] if before is None else [f"# {before.title}", *before.body_markdown.splitlines()]
    new = [f"# {after.title}", *after.body_markdown.splitlines()]
    kinds = {"+": "add", "-": "del", " ": "same"}
    return [DiffLine(kinds[line[0]], line[2:]) for line in difflib.ndiff(old, new) if line[0] in kinds]
