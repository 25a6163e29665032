"""No learner reads another's practice: by URL, by guessed id, or in their own pages and downloads.

Ada practises and writes a journal note; Bea holds the same course but has no routine, no session and
no journal. Everything Bea can reach must answer 404 or show only her own (empty) data.
"""

import io

import pytest
from pypdf import PdfReader

from coursehub.practice.models import JournalEntry, Outcome
from tests.factories import grant, make_user
from tests.helpers import AuthActions, count_rows, page_text
from tests.practice.support import ready_learner, sessions_of, start_session

SECRET = "Ada's private note about her sciatica"


@pytest.fixture
def ada_session(app, auth, learner, course):
    """Ada (``auth``) finishes a session with pain before and after, and writes a note."""
    ready_learner(auth, course)
    auth.post("/practice/settings", {"time_zone": "Europe/Paris", "days": ["0"]})
    session_id = start_session(auth)
    auth.post(
        f"/practice/sessions/{session_id}/finish",
        {"ending": "sharp-pain", "reps-1-left": "3"},
        form_page="/practice/",
    )
    auth.post("/practice/journal", {"score": "9", "region": "buttock", "context": "evening", "note": SECRET})
    feed = auth.post("/practice/feed/new", form_page="/practice/settings").get_data(as_text=True)
    return session_id, feed.split('value="http://school.test', 1)[1].split('"', 1)[0]


@pytest.fixture
def bea(app, course):
    user = make_user(app)
    grant(app, user, course)
    bea = AuthActions(app.test_client())
    bea.login(user.email, user.password)
    return bea


@pytest.mark.parametrize("suffix", ["", "/after", "/stopped"])
def test_another_learners_session_pages_are_404(ada_session, bea, suffix):
    session_id, _ = ada_session
    response = bea.client.get(f"/practice/sessions/{session_id}{suffix}")
    assert response.status_code == 404 and "Knee to chest" not in page_text(response)


@pytest.mark.parametrize("session_id", ["{own}", "999999", "2147483648", "99999999999999999999"])
def test_ending_or_scoring_another_or_a_guessed_session_is_404_and_changes_nothing(
    app, learner, ada_session, bea, session_id
):
    target = session_id.format(own=ada_session[0])
    finish = bea.post(f"/practice/sessions/{target}/finish", {"ending": "done"}, form_page="/practice/")
    after = bea.post(
        f"/practice/sessions/{target}/after", {"score": "1", "region": "hip"}, form_page="/practice/"
    )
    assert finish.status_code == 404 and after.status_code == 404
    [session] = sessions_of(app, learner)
    assert session.outcome is Outcome.SHARP_PAIN and session.exercises[0].reps_left == 3
    assert count_rows(app, JournalEntry, score=1) == 0


def test_bea_sees_only_her_own_journal_progress_charts_export_and_program(ada_session, bea):
    journal = page_text(bea.client.get("/practice/journal"))
    assert SECRET not in journal
    progress = page_text(bea.client.get("/practice/progress"))
    assert "No journal entries yet" in progress and "No sessions yet" in progress
    balance = bea.client.get("/practice/progress/balance.svg").get_data(as_text=True)
    assert "0 on the left side and 0 on the right side" in balance
    export = bea.client.get("/practice/export.json").get_data(as_text=True)
    assert SECRET not in export and '"sessions": []' in export and '"journal": []' in export
    for kind in ("journal", "sessions", "routine"):
        rows = bea.client.get(f"/practice/export/{kind}.csv").get_data(as_text=True).strip().splitlines()
        assert len(rows) == 1, kind  # the header alone
    pdf = PdfReader(io.BytesIO(bea.client.get("/practice/routine.pdf").data)).pages[0].extract_text()
    assert "Knee to chest" not in pdf and "Your routine is empty" in pdf


def test_only_the_secret_url_opens_the_feed(app, ada_session, bea):
    _, feed_path = ada_session
    assert app.test_client().get(feed_path).status_code == 200
    for guess in ("/practice/feed/1.ics", "/practice/feed/.ics", feed_path[:-8] + "AAAA.ics"):
        response = bea.client.get(guess)
        assert response.status_code == 404 and "VCALENDAR" not in response.get_data(as_text=True)
