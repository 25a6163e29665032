"""The learner's downloads: the one-page home program, the calendar feed of practice days, the export."""

import csv
import io
import json
import re

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from coursehub.accounts.models import User
from coursehub.content.models import Lesson
from coursehub.core.extensions import db
from coursehub.practice.data_rights import erase_practice_data, export_practice_data
from coursehub.practice.models import (
    Consent,
    JournalEntry,
    PracticeProfile,
    PracticeSession,
    RoutineItem,
    ScreeningAnswer,
    SessionExercise,
)
from tests.factories import grant, make_user
from tests.helpers import AuthActions, count_rows
from tests.practice.support import add_routine, ready_learner

FEED_PATTERN = re.compile(r'value="http://school\.test(/practice/feed/[^"]+\.ics)"')


def _practise(auth, score_before=6, score_after=3, note=None):
    """A full session with pain before and after, and a journal entry."""
    response = auth.post(
        "/practice/sessions", {"score": str(score_before), "region": "buttock"}, form_page="/practice/"
    )
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    auth.post(
        f"/practice/sessions/{session_id}/finish",
        {"ending": "done", "reps-1-left": "3", "reps-1-right": "3", "reps-2-both": "5"},
        form_page="/practice/",
    )
    auth.post(f"/practice/sessions/{session_id}/after", {"score": str(score_after), "region": "buttock"})
    if note:
        auth.post("/practice/journal", {"score": "4", "region": "hip", "context": "evening", "note": note})
    return session_id


def _set_days(auth, days=("0", "2")):
    response = auth.post("/practice/settings", {"time_zone": "Europe/London", "days": list(days)})
    assert response.status_code == 302


@pytest.fixture
def two_learners(app, client, course):
    """Two learners of the same course, each with a session and journal; ``auth`` acts as the first."""
    other = make_user(app)
    grant(app, other, course)
    other_auth = AuthActions(app.test_client())
    other_auth.login(other.email, other.password)
    ready_learner(other_auth, course)
    _practise(other_auth, 8, 7, note="other learner's secret note")
    _set_days(other_auth)
    return other, other_auth


def test_the_home_program_is_one_page_holding_the_routine(auth, learner, course):
    ready_learner(auth, course)
    response = auth.client.get("/practice/routine.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "private, no-store"
    reader = PdfReader(io.BytesIO(response.data))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert f"Home program for {learner.display_name}" in text
    assert (
        "Knee to chest" in text and "each side" in text and "Pelvic tilt" in text and "both together" in text
    )
    assert "Stop at once" in text


def test_the_home_program_keeps_text_outside_latin_1(app, auth, learner, course):
    with app.app_context():
        lesson = db.session.get(Lesson, course.lesson_ids[0])
        lesson.routine = [
            {
                "exercise": "Łydka \u2013 stretch",
                "side": "left",
                "reps": 2,
                "hold_seconds": 2,
                "cues": ["breathe out \u2013 slowly"],
            }
        ]
        db.session.commit()
    add_routine(auth, course, steps=(0,))
    text = PdfReader(io.BytesIO(auth.client.get("/practice/routine.pdf").data)).pages[0].extract_text()
    assert "Łydka \u2013 stretch" in text and "breathe out \u2013 slowly" in text and "left only" in text


def _new_feed(auth) -> str:
    response = auth.post("/practice/feed/new", form_page="/practice/settings")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    return FEED_PATTERN.search(response.get_data(as_text=True)).group(1)


def test_the_feed_is_a_valid_calendar_of_the_practice_days_without_log_in(app, auth, learner, course):
    ready_learner(auth, course)
    _set_days(auth, ("0", "2"))
    path = _new_feed(auth)
    auth.logout()
    response = app.test_client().get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    [event] = calendar.walk("VEVENT")
    assert event["RRULE"]["FREQ"] == ["WEEKLY"] and event["RRULE"]["BYDAY"] == ["MO", "WE"]
    assert event.decoded("DTSTART").weekday() in (0, 2)
    assert "Knee to chest" in str(event["DESCRIPTION"]) and str(event["SUMMARY"]) == "Practice your routine"


def test_a_new_feed_link_replaces_the_old_and_a_switched_off_one_is_404(app, auth, learner):
    first = _new_feed(auth)
    second = _new_feed(auth)
    visitor = app.test_client()
    assert visitor.get(first).status_code == 404
    assert visitor.get(second).status_code == 200
    assert auth.post("/practice/feed/revoke", form_page="/practice/settings").status_code == 302
    revoked = visitor.get(second)
    assert revoked.status_code == 404 and b"BEGIN:VCALENDAR" not in revoked.data
    assert visitor.get("/practice/feed/" + "x" * 500 + ".ics").status_code == 404


def test_the_export_holds_exactly_the_learners_own_rows(app, auth, learner, course, two_learners):
    ready_learner(auth, course)
    mine = _practise(auth, 6, 3, note="=HYPERLINK(my note)")
    data = json.loads(auth.client.get("/practice/export.json").data)
    assert [s["id"] for s in data["sessions"]] == [mine]
    assert sorted((e["score"], e["context"]) for e in data["journal"]) == [
        (3, "after-practice"),
        (4, "evening"),
        (6, "before-practice"),
    ]
    assert [r["exercise"] for r in data["routine"]] == ["Knee to chest", "Pelvic tilt"]
    assert len(data["consents"]) == 1 and data["settings"] is None
    journal = auth.client.get("/practice/export/journal.csv")
    assert journal.headers["Cache-Control"] == "private, no-store" and journal.mimetype == "text/csv"
    assert "attachment" in journal.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(journal.get_data(as_text=True))))
    assert sorted(row["score"] for row in rows) == ["3", "4", "6"]
    assert "'=HYPERLINK(my note)" in [row["note"] for row in rows]
    sessions = list(
        csv.DictReader(io.StringIO(auth.client.get("/practice/export/sessions.csv").get_data(as_text=True)))
    )
    assert {row["session_id"] for row in sessions} == {str(mine)} and len(sessions) == 2
    everything = auth.client.get("/practice/export.json").get_data(as_text=True)
    assert "secret note" not in everything and "secret note" not in journal.get_data(as_text=True)


def test_erase_practice_data_removes_every_practice_row_of_that_learner_only(
    app, auth, learner, course, two_learners
):
    other, _ = two_learners
    ready_learner(auth, course)
    _practise(auth)
    _set_days(auth)
    with app.app_context():
        user = db.session.get(User, learner.id)
        assert export_practice_data(user)["sessions"]
        erase_practice_data(user)
        db.session.commit()
        assert export_practice_data(user) == {
            "settings": None,
            "consents": [],
            "screenings": [],
            "routine": [],
            "sessions": [],
            "journal": [],
        }
    for model in (JournalEntry, PracticeSession, RoutineItem, ScreeningAnswer, Consent, PracticeProfile):
        assert count_rows(app, model, user_id=learner.id) == 0
        assert count_rows(app, model, user_id=other.id) >= 1, model
    assert count_rows(app, SessionExercise) == 2  # the other learner's two exercises
