"""The author's outcome figures: opt-in only, anonymised, nothing for a group of fewer than five.

Worked by hand: five opted-in learners whose pain went 6->4, 8->5, 5->5, 7->6 and 4->2 give a mean
change of (-2 -3 +0 -1 -2) / 5 = -1.6. A sixth learner who did not opt in went 9->0; counted, the
mean would be -17 / 6 = -2.8. With Mondays chosen and practice on 5, 4, 3, 2 and 1 of the five Mondays
from 2 March to 30 March 2026, adherence is (100 + 80 + 60 + 40 + 20) / 5 = 60%.
"""

from datetime import UTC, datetime, timedelta

import pytest

from coursehub.accounts.models import Role
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
from coursehub.practice.outcomes import author_outcomes
from tests.factories import make_user
from tests.helpers import page_text
from tests.practice.support import table_rows

PAIN = [(6, 4), (8, 5), (5, 5), (7, 6), (4, 2)]
MONDAY = datetime(2026, 3, 2, 9, tzinfo=UTC)
NOW = datetime(2026, 4, 5, 12, tzinfo=UTC)


def _learner(app, course, pain, first, latest, opt_in=True, mondays=1):
    user = make_user(app)
    with app.app_context():
        db.session.add(
            PracticeProfile(user_id=user.id, time_zone="UTC", practice_days=1, outcomes_opt_in=opt_in)
        )
        for week in range(mondays):
            started = first + timedelta(weeks=week)
            session = PracticeSession(
                user_id=user.id,
                started_at=started,
                ended_at=started + timedelta(minutes=15),
                outcome=Outcome.COMPLETED,
            )
            session.exercises = [
                SessionExercise(
                    position=1,
                    lesson_id=course.lesson_ids[0],
                    exercise="Pelvic tilt",
                    side="both",
                    reps_planned=5,
                    hold_seconds=2,
                    reps_left=0,
                    reps_right=0,
                    reps_both=5,
                )
            ]
            db.session.add(session)
        for moment, score in ((first + timedelta(hours=1), pain[0]), (latest, pain[1])):
            db.session.add(
                JournalEntry(
                    user_id=user.id, score=score, region=Region.HIP, context=Context.MORNING, noted_at=moment
                )
            )
        db.session.commit()
    return user


def _group(app, course, opted_in: int, first, latest):
    for pain in PAIN[:opted_in]:
        _learner(app, course, pain, first, latest)
    _learner(app, course, (9, 0), first, latest, opt_in=False)


@pytest.fixture
def author(app, auth):
    user = make_user(app, role=Role.AUTHOR)
    auth.login(user.email, user.password)
    return user


def test_five_opted_in_learners_give_the_figure_and_the_one_who_did_not_never_counts(
    app, auth, author, course
):
    now = utcnow()
    _group(app, course, 5, now - timedelta(days=40), now - timedelta(days=1))
    response = auth.client.get("/practice/outcomes")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    [whole, module] = table_rows(response.get_data(as_text=True), "outcomes-table")
    assert whole[1] == module[1] == "-1.6 (5 learners)"
    assert "-2.8" not in page_text(response) and "6 learners" not in page_text(response)


def test_a_group_of_four_is_not_shown(app, auth, author, course):
    now = utcnow()
    _group(app, course, 4, now - timedelta(days=40), now - timedelta(days=1))
    response = auth.client.get("/practice/outcomes")
    rows = table_rows(response.get_data(as_text=True), "outcomes-table")
    assert rows and all(row[1] == "Fewer than 5 learners: not shown" for row in rows)
    assert "-1.5" not in page_text(response) and "learners)" not in page_text(response)


def test_adherence_is_the_mean_share_of_chosen_days_practised(app, course):
    for pain, mondays in zip(PAIN, (5, 4, 3, 2, 1), strict=True):
        _learner(app, course, pain, MONDAY, NOW - timedelta(hours=2), mondays=mondays)
    with app.app_context():
        whole = author_outcomes(now=NOW)[0]
        assert whole.module is None and whole.shown
        assert (whole.adherence.value, whole.adherence.learners) == (60.0, 5)
        assert (whole.pain_change.value, whole.pain_change.learners) == (-1.6, 5)


def test_overlapping_windows_give_no_pain_change(app, course):
    for pain in PAIN:
        _learner(app, course, pain, MONDAY, MONDAY + timedelta(days=20))
    with app.app_context():
        whole = author_outcomes(now=NOW)[0]
        assert whole.shown and whole.pain_change.value is None and whole.pain_change.learners is None


@pytest.mark.parametrize("role", [Role.LEARNER, None])
def test_learners_and_visitors_cannot_see_outcomes(app, client, auth, role):
    if role:
        user = make_user(app, role=role)
        auth.login(user.email, user.password)
        response = client.get("/practice/outcomes")
        assert response.status_code == 403 and "outcomes-table" not in response.get_data(as_text=True)
    else:
        response = client.get("/practice/outcomes")
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_admin_sees_outcomes(app, auth):
    admin = make_user(app, role=Role.ADMIN)
    auth.login(admin.email, admin.password)
    assert "No learner shares their figures yet" in page_text(auth.client.get("/practice/outcomes"))
