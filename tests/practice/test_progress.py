"""The progress page: charts drawn as SVG without script, and tables whose numbers were worked out by hand.

The learner lives in Tokyo (UTC+9) and chose Monday, Wednesday and Friday. Week 1 is the week two weeks
before this one, week 2 the week before this one:

| session              | local time       | before | after | left / right / both |
| S1                   | w1 Mon 08:00     | 6      | 4     | 3 / 2 / 5           |  (Sunday 23:00 UTC)
| S2                   | w1 Wed 19:00     | 5      | 5     | 3 / 3 / 0           |
| S3                   | w1 Sat 10:00     | -      | -     | 1 / 0 / 0           |
| S4                   | w2 Fri 07:00     | 7      | 3     | 0 / 3 / 0           |
| S5 (still running)   | w2 Mon 09:00     | 9      | -     | counts for nothing  |
plus journal entries w1 Mon 21:00 score 2 and w1 Tue 12:00 score 3.

Pain per day: w1 Mon (6+4+2)/3 = 4.0 practised; w1 Tue 3.0 no; w1 Wed 5.0 yes; w2 Mon 9.0 no (S5 never
ended); w2 Fri 5.0 yes. Changes: -2, +0, none, -4. Left 3+5+3+1 = 12, right 2+5+3+3 = 13.
Adherence: w1 2 of 3 (67%) and Saturday extra; w2 1 of 3 (33%); this week nothing practised yet.
"""

import importlib
import sys
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.practice.models import (
    Context,
    JournalEntry,
    Outcome,
    PracticeProfile,
    PracticeSession,
    Region,
    SessionExercise,
)
from tests.helpers import page_text
from tests.practice.support import table_rows

TOKYO = ZoneInfo("Asia/Tokyo")
MON_WED_FRI = 0b10101
NONE = "\u2013"  # the en dash the page shows for a missing score


def _at(monday, weekday: int, hour: int) -> datetime:
    return datetime.combine(monday + timedelta(days=weekday), datetime.min.time(), TOKYO).replace(hour=hour)


def _session(user_id, started, outcome, left, right, both, before=None, after=None):
    ended = None if outcome is Outcome.IN_PROGRESS else started + timedelta(minutes=20)
    session = PracticeSession(user_id=user_id, started_at=started, ended_at=ended, outcome=outcome)
    session.exercises = [
        SessionExercise(
            position=1,
            exercise="Knee to chest",
            side="each",
            reps_planned=3,
            hold_seconds=2,
            reps_left=left,
            reps_right=right,
            reps_both=0,
        ),
        SessionExercise(
            position=2,
            exercise="Pelvic tilt",
            side="both",
            reps_planned=5,
            hold_seconds=2,
            reps_left=0,
            reps_right=0,
            reps_both=both,
        ),
    ]
    db.session.add(session)
    db.session.flush()
    for score, context in ((before, Context.BEFORE_PRACTICE), (after, Context.AFTER_PRACTICE)):
        if score is not None:
            _entry(user_id, started, score, context, session.id)


def _entry(user_id, noted_at, score, context=Context.EVENING, session_id=None):
    db.session.add(
        JournalEntry(
            user_id=user_id,
            score=score,
            region=Region.LOWER_BACK_LEFT,
            context=context,
            noted_at=noted_at,
            session_id=session_id,
        )
    )


@pytest.fixture
def weeks():
    today = utcnow().astimezone(TOKYO).date()
    this_monday = today - timedelta(days=today.weekday())
    return this_monday - timedelta(weeks=2), this_monday - timedelta(weeks=1), this_monday


@pytest.fixture
def history(app, learner, weeks):
    w1, w2, _ = weeks
    with app.app_context():
        db.session.add(PracticeProfile(user_id=learner.id, time_zone="Asia/Tokyo", practice_days=MON_WED_FRI))
        _session(learner.id, _at(w1, 0, 8), Outcome.COMPLETED, 3, 2, 5, before=6, after=4)
        _session(learner.id, _at(w1, 2, 19), Outcome.COMPLETED, 3, 3, 0, before=5, after=5)
        _session(learner.id, _at(w1, 5, 10), Outcome.STOPPED, 1, 0, 0)
        _session(learner.id, _at(w2, 4, 7), Outcome.SHARP_PAIN, 0, 3, 0, before=7, after=3)
        _session(learner.id, _at(w2, 0, 9), Outcome.IN_PROGRESS, 0, 0, 0, before=9)
        _entry(learner.id, _at(w1, 0, 21), 2)
        _entry(learner.id, _at(w1, 1, 12), 3)
        db.session.commit()
    return learner


def _day(day) -> str:
    return f"{day.day} {day:%b %Y}"


def test_progress_tables_hold_the_figures_worked_out_by_hand(auth, history, weeks):
    w1, w2, this_monday = weeks
    response = auth.client.get("/practice/progress")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert table_rows(body, "pain-table") == [
        [_day(w1), "4.0", "yes"],
        [_day(w1 + timedelta(days=1)), "3.0", "no"],
        [_day(w1 + timedelta(days=2)), "5.0", "yes"],
        [_day(w2), "9.0", "no"],
        [_day(w2 + timedelta(days=4)), "5.0", "yes"],
    ]
    assert table_rows(body, "change-table") == [
        [_day(w1), "6", "4", "-2", "completed"],
        [_day(w1 + timedelta(days=2)), "5", "5", "+0", "completed"],
        [_day(w1 + timedelta(days=5)), NONE, NONE, NONE, "stopped"],
        [_day(w2 + timedelta(days=4)), "7", "3", "-4", "sharp pain"],
    ]
    assert table_rows(body, "balance-table") == [["Left", "12"], ["Right", "13"]]
    adherence = table_rows(body, "adherence-table")
    assert adherence[:2] == [[_day(w1), "3", "2", "67%", "1"], [_day(w2), "3", "1", "33%", "0"]]
    assert len(adherence) == 3 and adherence[2][0] == _day(this_monday) and adherence[2][2] == "0"


@pytest.mark.parametrize("name", ["pain", "change", "balance", "adherence"])
def test_each_chart_is_an_svg_image_without_script(auth, history, name):
    page = auth.client.get("/practice/progress").get_data(as_text=True)
    assert f'<img src="/practice/progress/{name}.svg"' in page
    assert "<script" not in page
    response = auth.client.get(f"/practice/progress/{name}.svg")
    svg = response.get_data(as_text=True)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "<script" not in svg.lower() and "javascript:" not in svg.lower()
    root = ET.fromstring(svg)  # noqa: S314 - our own server's output
    ns = "{http://www.w3.org/2000/svg}"
    assert root.find(f"{ns}title").text and root.find(f"{ns}desc").text


def test_the_balance_chart_prints_the_counts_of_the_table(auth, history):
    svg = auth.client.get("/practice/progress/balance.svg").get_data(as_text=True)
    assert "12 on the left side and 13 on the right side" in svg
    assert ">12<" in svg and ">13<" in svg


def test_adherence_asks_for_practice_days_until_they_are_chosen(auth, learner):
    response = auth.client.get("/practice/progress")
    assert "Choose your practice days" in page_text(response)
    assert "adherence.svg" not in response.get_data(as_text=True)


def test_an_unknown_chart_is_404_and_a_visitor_is_sent_to_log_in(client, auth, learner):
    assert auth.client.get("/practice/progress/secret.svg").status_code == 404
    auth.logout()
    response = client.get("/practice/progress/pain.svg")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_the_chart_library_leaves_no_import_hook_that_warns_on_every_failed_import(app):
    assert all(hasattr(finder, "find_spec") for finder in sys.meta_path)
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("no_such_module_for_coursehub")
