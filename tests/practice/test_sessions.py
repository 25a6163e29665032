"""Practice sessions: what was done per side is logged; "Sharp pain - stop"; the three-stops mail."""

from datetime import timedelta

from sqlalchemy import update

from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.practice.models import JournalEntry, Outcome, PracticeSession
from tests.factories import grant, make_user
from tests.helpers import count_rows, page_text
from tests.practice.support import ready_learner, sessions_of, start_session

DONE = {"reps-1-left": "3", "reps-1-right": "2", "reps-2-both": "5"}


def finish(auth, session_id, ending, reps=None):
    data = {**(reps or {}), "ending": ending}
    return auth.post(f"/practice/sessions/{session_id}/finish", data, form_page="/practice/")


def test_a_finished_session_logs_what_was_done_per_side(app, auth, learner, course):
    ready_learner(auth, course)
    session_id = start_session(auth)
    response = finish(auth, session_id, "done", DONE)
    assert response.status_code == 302 and response.headers["Location"].endswith("/after")
    [session] = sessions_of(app, learner)
    assert session.outcome is Outcome.COMPLETED and session.ended_at is not None
    rows = [
        (e.exercise, e.side, e.reps_planned, e.reps_left, e.reps_right, e.reps_both)
        for e in session.exercises
    ]
    assert rows == [("Knee to chest", "each", 3, 3, 2, 0), ("Pelvic tilt", "both", 5, 0, 0, 5)]
    after = auth.client.get(f"/practice/sessions/{session_id}/after")
    assert "Well done: session finished" in page_text(after)


def test_pain_before_and_after_are_journal_entries_of_the_session(app, auth, learner, course):
    ready_learner(auth, course)
    response = auth.post("/practice/sessions", {"score": "6", "region": "buttock"}, form_page="/practice/")
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    finish(auth, session_id, "done", DONE)
    auth.post(f"/practice/sessions/{session_id}/after", {"score": "4", "region": "buttock"})
    assert count_rows(app, JournalEntry, session_id=session_id, context="before-practice", score=6) == 1
    assert count_rows(app, JournalEntry, session_id=session_id, context="after-practice", score=4) == 1
    progress = page_text(auth.client.get("/practice/progress"))
    assert "-2" in progress


def test_a_session_ends_once(app, auth, learner, course):
    ready_learner(auth, course)
    session_id = start_session(auth)
    finish(auth, session_id, "stop", DONE)
    again = finish(auth, session_id, "done", {"reps-1-left": "1"})
    assert again.status_code == 409 and "already ended" in page_text(again)
    [session] = sessions_of(app, learner)
    assert session.outcome is Outcome.STOPPED and session.exercises[0].reps_left == 3


def test_counts_for_a_side_the_exercise_does_not_use_change_nothing(app, auth, learner, course):
    ready_learner(auth, course)
    session_id = start_session(auth)
    for reps in ({"reps-2-left": "4"}, {"reps-1-left": "-1"}, {"reps-1-left": "9999"}, {"reps-x-left": "1"}):
        response = finish(auth, session_id, "done", reps)
        assert response.status_code == 400, reps
    assert sessions_of(app, learner)[0].outcome is Outcome.IN_PROGRESS


def test_sharp_pain_ends_the_session_and_shows_safety_advice(app, auth, learner, course, mailbox):
    ready_learner(auth, course)
    session_id = start_session(auth)
    response = finish(auth, session_id, "sharp-pain", {"reps-1-left": "1"})
    assert response.headers["Location"].endswith(f"/practice/sessions/{session_id}/stopped")
    advice = page_text(auth.client.get(response.headers["Location"]))
    assert "You did the right thing by stopping" in advice and "get medical help at once" in advice
    [session] = sessions_of(app, learner)
    assert session.outcome is Outcome.SHARP_PAIN and session.exercises[0].reps_left == 1
    assert mailbox.to(learner.email) == []


def test_three_sharp_pain_stops_within_14_days_mail_pause_advice_once(app, auth, learner, course, mailbox):
    ready_learner(auth, course)
    for _ in range(2):
        finish(auth, start_session(auth), "sharp-pain")
    assert mailbox.to(learner.email) == []
    finish(auth, start_session(auth), "sharp-pain")
    [mail] = mailbox.to(learner.email)
    assert mail["Subject"] == "Time to pause your practice and see a clinician"
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "see a doctor, physiotherapist or other clinician" in body and "saddle area" in body
    finish(auth, start_session(auth), "sharp-pain")
    assert len(mailbox.to(learner.email)) == 1


def test_stops_older_than_14_days_do_not_count(app, auth, learner, course, mailbox):
    ready_learner(auth, course)
    for _ in range(2):
        finish(auth, start_session(auth), "sharp-pain")
    with app.app_context():
        old = utcnow() - timedelta(days=15)
        db.session.execute(update(PracticeSession).values(started_at=old, ended_at=old))
        db.session.commit()
    finish(auth, start_session(auth), "sharp-pain")
    assert mailbox.to(learner.email) == []


def test_another_learners_session_is_not_found(app, auth, learner, course):
    ready_learner(auth, course)
    session_id = start_session(auth)
    auth.logout()
    other = make_user(app)
    grant(app, other, course)
    auth.login(other.email, other.password)
    for path in ("", "/after", "/stopped"):
        response = auth.client.get(f"/practice/sessions/{session_id}{path}")
        assert response.status_code == 404 and "couldn't find that practice session" in page_text(response)
    assert finish(auth, session_id, "done", DONE).status_code == 404
    assert auth.client.get(f"/practice/sessions/{2**40}").status_code == 404
    assert sessions_of(app, learner)[0].outcome is Outcome.IN_PROGRESS


def test_the_session_page_gives_each_exercise_its_own_hold_for_the_timer(app, auth, learner, course):
    ready_learner(auth, course)
    body = auth.client.get(f"/practice/sessions/{start_session(auth)}").get_data(as_text=True)
    assert 'data-exercise="Knee to chest"' in body and 'data-hold="2"' in body
    assert 'data-exercise="Pelvic tilt"' in body and 'data-hold="7"' in body
    [session] = sessions_of(app, learner)
    assert [e.hold_seconds for e in session.exercises] == [2, 7]
