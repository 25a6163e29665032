"""A learner's practice data, whole: for their own download and for the account-wide data rights feature.

``export_practice_data`` and ``erase_practice_data`` take the learner and touch only their rows; the
caller commits. The CSV files hold the same rows as the JSON, one file per kind of record.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from flask import Flask
from sqlalchemy import delete, select
from sqlalchemy.orm import selectinload

from coursehub.accounts.data_rights import register_personal_data
from coursehub.accounts.models import User
from coursehub.core.extensions import db
from coursehub.practice.models import (
    WEEKDAYS,
    Consent,
    JournalEntry,
    PracticeProfile,
    PracticeSession,
    RoutineItem,
    ScreeningAnswer,
    SessionExercise,
)

SESSION_COLUMNS = (
    "session_id",
    "started_at",
    "ended_at",
    "outcome",
    "position",
    "exercise",
    "side",
    "reps_planned",
    "hold_seconds",
    "reps_left",
    "reps_right",
    "reps_both",
)
JOURNAL_COLUMNS = ("id", "noted_at", "score", "region", "context", "session_id", "note", "created_at")
ROUTINE_COLUMNS = ("position", "exercise", "lesson_id", "step_index", "reps")
CSV_KINDS = ("sessions", "journal", "routine")


def _time(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _mine(model, user: User):
    return db.session.scalars(select(model).where(model.user_id == user.id).order_by(model.id))


def export_practice_data(user: User) -> dict[str, Any]:
    """Everything practice holds about ``user``, as plain JSON-ready values (times in UTC, ISO 8601)."""
    profile = db.session.scalar(select(PracticeProfile).where(PracticeProfile.user_id == user.id))
    sessions = db.session.scalars(
        select(PracticeSession)
        .where(PracticeSession.user_id == user.id)
        .order_by(PracticeSession.started_at, PracticeSession.id)
        .options(selectinload(PracticeSession.exercises))
    )
    return {
        "settings": {
            "time_zone": profile.time_zone,
            "practice_days": [name for day, name in enumerate(WEEKDAYS) if profile.has_day(day)],
            "outcomes_opt_in": profile.outcomes_opt_in,
            "calendar_feed_active": profile.feed_token_hash is not None,
            "pause_advice_sent_at": _time(profile.pause_advice_sent_at),
        }
        if profile
        else None,
        "consents": [
            {"disclaimer_version": c.disclaimer_version, "consented_at": _time(c.consented_at)}
            for c in _mine(Consent, user)
        ],
        "screenings": [
            {"course_id": s.course_id, "red_flags": list(s.red_flags), "answered_at": _time(s.answered_at)}
            for s in _mine(ScreeningAnswer, user)
        ],
        "routine": [
            {column: getattr(item, column) for column in ROUTINE_COLUMNS}
            for item in db.session.scalars(
                select(RoutineItem)
                .where(RoutineItem.user_id == user.id)
                .order_by(RoutineItem.position, RoutineItem.id)
            )
        ],
        "sessions": [
            {
                "id": s.id,
                "started_at": _time(s.started_at),
                "ended_at": _time(s.ended_at),
                "outcome": s.outcome.value,
                "exercises": [
                    {column: getattr(e, column) for column in SESSION_COLUMNS[4:]} for e in s.exercises
                ],
            }
            for s in sessions
        ],
        "journal": [
            {
                "id": e.id,
                "noted_at": _time(e.noted_at),
                "score": e.score,
                "region": e.region.value,
                "context": e.context.value,
                "session_id": e.session_id,
                "note": e.note,
                "created_at": _time(e.created_at),
            }
            for e in db.session.scalars(
                select(JournalEntry)
                .where(JournalEntry.user_id == user.id)
                .order_by(JournalEntry.noted_at, JournalEntry.id)
            )
        ],
    }


def _csv(columns: tuple[str, ...], rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: _cell(v) for k, v in row.items()} for row in rows)
    return out.getvalue()


def _cell(value: Any) -> Any:
    """Text a spreadsheet would run as a formula gets a leading apostrophe (CSV injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def export_csv(data: dict[str, Any], kind: str) -> str:
    """One kind of record (``sessions``, ``journal`` or ``routine``) from ``export_practice_data``."""
    if kind == "sessions":
        rows = [
            {
                "session_id": s["id"],
                "started_at": s["started_at"],
                "ended_at": s["ended_at"],
                "outcome": s["outcome"],
                **exercise,
            }
            for s in data["sessions"]
            for exercise in s["exercises"]
        ]
        return _csv(SESSION_COLUMNS, rows)
    if kind == "journal":
        return _csv(JOURNAL_COLUMNS, data["journal"])
    return _csv(ROUTINE_COLUMNS, data["routine"])


def erase_practice_data(user: User) -> None:
    """Delete every practice row of ``user``: journal, sessions and their exercises, routine, screenings,
    consents and settings. Flushes; the caller commits (with the rest of the account, or not at all)."""
    own_sessions = select(PracticeSession.id).where(PracticeSession.user_id == user.id)
    statements = (
        delete(JournalEntry).where(JournalEntry.user_id == user.id),
        delete(SessionExercise).where(SessionExercise.session_id.in_(own_sessions)),
        delete(PracticeSession).where(PracticeSession.user_id == user.id),
        delete(RoutineItem).where(RoutineItem.user_id == user.id),
        delete(ScreeningAnswer).where(ScreeningAnswer.user_id == user.id),
        delete(Consent).where(Consent.user_id == user.id),
        delete(PracticeProfile).where(PracticeProfile.user_id == user.id),
    )
    for statement in statements:
        db.session.execute(statement.execution_options(synchronize_session=False))
    db.session.flush()


def register(app: Flask) -> None:
    """The account's download and deletion include practice (the features above accounts register)."""
    register_personal_data(app, "practice", export_practice_data, erase_practice_data)
