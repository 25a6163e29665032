"""The pain journal: what is refused (400, a message, nothing stored), local times, deletion."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from coursehub.core.extensions import db
from coursehub.practice.models import JournalEntry
from tests.factories import make_user
from tests.helpers import count_rows, page_text

GOOD = {
    "score": "5",
    "region": "si-joint",
    "context": "morning",
    "noted_at": "",
    "note": "Stiff after the drive",
}


def test_an_entry_is_saved_with_its_local_time_in_utc(app, auth, learner, course):
    auth.post("/practice/settings", {"time_zone": "Europe/London", "days": ["0", "3"]})
    response = auth.post("/practice/journal", {**GOOD, "noted_at": "2026-01-15T08:30"})
    assert response.status_code == 302
    with app.app_context():
        entry = db.session.scalars(select(JournalEntry)).one()
        assert (entry.score, entry.region.value, entry.context.value) == (5, "si-joint", "morning")
        assert entry.noted_at == datetime(2026, 1, 15, 8, 30, tzinfo=UTC)  # London is on UTC in January
    assert "Stiff after the drive" in page_text(auth.client.get("/practice/journal"))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score": "11"}, "Pain is from 0 to 10."),
        ({"region": "left-ear"}, "Not a valid choice"),
        (
            {"noted_at": (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")},
            "can't be in the future",
        ),
        ({"note": "x" * 100_000}, "at most 2000 characters"),
        ({"score": ""}, "Give a pain score"),
    ],
    ids=["score-11", "unknown-region", "future-date", "100-kB-note", "no-score"],
)
def test_a_bad_entry_is_refused_with_a_message_and_nothing_is_stored(
    app, auth, learner, course, change, message
):
    response = auth.post("/practice/journal", {**GOOD, **change})
    assert response.status_code == 400
    assert message in page_text(response)
    assert count_rows(app, JournalEntry) == 0


def test_deleting_the_journal_deletes_only_the_learners_own_entries(app, auth, learner, course):
    other = make_user(app)
    with app.app_context():
        db.session.add(
            JournalEntry(user_id=other.id, score=3, region="hip", context="other", noted_at=datetime.now(UTC))
        )
        db.session.commit()
    auth.post("/practice/journal", GOOD)
    auth.post("/practice/journal", GOOD)
    refused = auth.post("/practice/journal/delete", {}, form_page="/practice/journal")
    assert refused.status_code == 400 and count_rows(app, JournalEntry, user_id=learner.id) == 2
    response = auth.post("/practice/journal/delete", {"confirm": "delete"}, form_page="/practice/journal")
    assert response.status_code == 302
    assert count_rows(app, JournalEntry, user_id=learner.id) == 0
    assert count_rows(app, JournalEntry, user_id=other.id) == 1


def test_the_journal_is_private_and_not_cached(client, course):
    assert client.get("/practice/journal").status_code == 302
    assert client.get("/practice/journal").headers["Cache-Control"] == "private, no-store"
