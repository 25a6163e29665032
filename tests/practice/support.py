"""Helpers the practice tests share: routines on a course, passing the safety check, a session."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from coursehub.content.models import Lesson
from coursehub.content.screening import current_screening
from coursehub.core.extensions import db
from coursehub.practice.models import PracticeSession, RoutineItem

EACH = {"exercise": "Knee to chest", "side": "each", "reps": 3, "hold_seconds": 2, "at": 60}
BOTH = {"exercise": "Pelvic tilt", "side": "both", "reps": 5, "hold_seconds": 7}


def give_routines(app, course) -> None:
    """The course's first lesson teaches an "each" and a "both" exercise."""
    with app.app_context():
        lesson = db.session.get(Lesson, course.lesson_ids[0])
        lesson.routine = [EACH, BOTH]
        db.session.commit()


def all_no(**changes) -> dict[str, str]:
    answers = {f"q-{question.id}": "no" for question in current_screening().questions}
    return {**answers, **{f"q-{key}": value for key, value in changes.items()}}


def pass_screening(auth, course, consent: bool = True):
    data = all_no()
    if consent:
        data["consent"] = "y"
    return auth.post(f"/practice/courses/{course.slug}/screening", data)


def add_routine(auth, course, steps=(0, 1)) -> None:
    for step in steps:
        response = auth.post(
            "/practice/routine/add",
            {"lesson_id": course.lesson_ids[0], "step": step},
            form_page="/practice/routine",
        )
        assert response.status_code == 302, response.get_data(as_text=True)


def start_session(auth) -> int:
    """Start a session from the learner's routine; :return: its id."""
    response = auth.post("/practice/sessions", {"region": "lower-back-left"}, form_page="/practice/")
    assert response.status_code == 302, response.get_data(as_text=True)
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def ready_learner(auth, course) -> None:
    """Through the safety check with a routine of both exercises."""
    assert pass_screening(auth, course).status_code == 302
    add_routine(auth, course)


def routine_of(app, user) -> list[tuple[str, int]]:
    with app.app_context():
        items = db.session.scalars(
            select(RoutineItem).where(RoutineItem.user_id == user.id).order_by(RoutineItem.position)
        )
        return [(item.exercise, item.reps) for item in items]


def sessions_of(app, user) -> list[PracticeSession]:
    with app.app_context():
        rows = list(db.session.scalars(select(PracticeSession).where(PracticeSession.user_id == user.id)))
        for row in rows:
            _ = row.exercises
            db.session.expunge(row)
        return rows


def table_rows(body: str, table_class: str) -> list[list[str]]:
    """The body rows of the page's table of this class, each as its cells' text."""
    table = re.search(rf'<table class="{table_class}[^"]*">(.*?)</table>', body, re.S)
    assert table, f"the page has no {table_class}"
    rows = re.findall(r"<tr>(.*?)</tr>", table.group(1).split("<tbody>", 1)[1], re.S)
    return [
        [
            html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        for row in rows
    ]
