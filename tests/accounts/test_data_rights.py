"""A learner downloads all their data, and deletes their account: personal data goes, the books stay."""

import json

import pytest
from sqlalchemy import func, select

from coursehub.accounts.models import Role, User
from coursehub.billing.models import LedgerEntry, LedgerKind, Order, OrderStatus
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.models import Enrollment, Entitlement, LessonProgress
from coursehub.practice.models import Context, JournalEntry, Region
from coursehub.quizzes.models import QuizAttempt
from tests.factories import grant, make_course, make_product, make_quiz, make_user
from tests.helpers import AuthActions, count_rows, page_text


@pytest.fixture
def course(app):
    return make_course(app, preview=())


@pytest.fixture
def history(app, learner, course):
    """The logged-in learner has watched, taken a quiz and paid for an order that has a ledger entry."""
    quiz_id = make_quiz(app, course)
    product_id = make_product(app, [course], slug="the-course", price=4900)
    with app.app_context():
        db.session.add(
            LessonProgress(user_id=learner.id, lesson_id=course.lesson_ids[0], position_seconds=42.5)
        )
        db.session.add(Enrollment(user_id=learner.id, course_id=course.id))
        db.session.add(QuizAttempt(user_id=learner.id, quiz_id=quiz_id, number=1, draw=[]))
        order = Order(
            user_id=learner.id,
            product_id=product_id,
            list_price_cents=4900,
            currency="usd",
            status=OrderStatus.PAID,
            amount_paid_cents=4900,
            checkout_session_id="cs_test_history",
            checkout_url="https://checkout.example/cs_test_history",
            paid_at=utcnow(),
        )
        db.session.add(order)
        db.session.flush()
        db.session.add(
            LedgerEntry(
                order=order,
                product_id=order.product_id,
                kind=LedgerKind.CHARGE,
                amount_cents=4900,
                currency="usd",
                stripe_ref="ch_1",
            )
        )
        db.session.commit()
        return order.id


def delete_account(auth, password, confirm=True, **kwargs):
    data = {"password": password, **({"confirm": "y"} if confirm else {})}
    return auth.post("/account/delete", data, **kwargs)


def test_the_download_holds_everything_and_is_private(app, client, learner, course, history):
    other = make_user(app)
    grant(app, other, course, enroll=True)
    response = client.get("/account/export")
    assert response.status_code == 200 and response.mimetype == "application/json"
    assert response.headers["Content-Disposition"] == 'attachment; filename="coursehub-my-data.json"'
    assert response.headers["Cache-Control"] == "private, no-store"
    data = json.loads(response.data)
    assert data["account"]["email"] == learner.email
    assert [e["course"] for e in data["learning"]["enrollments"]] == [course.slug]
    assert [(p["lesson"], p["position_seconds"]) for p in data["learning"]["progress"]] == [
        (course.lesson_slugs[0], 42.5)
    ]
    assert [a["number"] for a in data["quiz_attempts"]] == [1]
    assert [(o["id"], o["amount_paid_cents"]) for o in data["orders"]] == [(history, 4900)]
    assert other.email not in response.get_data(as_text=True)


def test_a_visitor_gets_no_download(client):
    response = client.get("/account/export")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_deleting_removes_personal_data_and_keeps_the_books_anonymised(app, auth, client, learner, history):
    response = delete_account(auth, learner.password, follow_redirects=True)
    assert "Your account is deleted" in page_text(response)

    for model in (LessonProgress, Enrollment, Entitlement, QuizAttempt):
        assert count_rows(app, model, user_id=learner.id) == 0
    with app.app_context():
        order = db.session.get(Order, history)
        user = db.session.get(User, learner.id)
        assert (order.user_id, order.amount_paid_cents, order.checkout_url) == (learner.id, 4900, None)
        assert db.session.scalar(select(func.sum(LedgerEntry.amount_cents))) == 4900
        assert learner.email not in (user.email, user.pending_email)
        assert user.display_name == "Deleted learner"
    assert client.get("/account").status_code == 302  # logged out
    assert auth.login(learner.email, learner.password).status_code == 200  # the credentials are gone


def test_deleting_ends_every_other_session(app, auth, learner):
    elsewhere = AuthActions(app.test_client())
    elsewhere.login(learner.email, learner.password)
    assert elsewhere.client.get("/account").status_code == 200
    delete_account(auth, learner.password)
    assert elsewhere.client.get("/account").status_code == 302


def test_the_address_is_free_to_sign_up_again(app, auth, learner):
    delete_account(auth, learner.password)
    again = make_user(app, email=learner.email)
    assert auth.login(again.email, again.password).status_code == 302


@pytest.mark.parametrize(
    ("password", "confirm", "message"),
    [
        ("not my password", True, "Your password is not right."),
        (None, False, "Tick the box to confirm"),
    ],
)
def test_deletion_needs_the_password_and_a_confirmation(
    app, auth, learner, history, password, confirm, message
):
    response = delete_account(auth, password or learner.password, confirm=confirm)
    assert response.status_code == 200 and message in page_text(response)
    assert count_rows(app, LessonProgress, user_id=learner.id) == 1
    assert auth.client.get("/account").status_code == 200


def test_staff_cannot_delete_themselves_by_a_click(app, auth):
    admin = make_user(app, role=Role.ADMIN)
    auth.login(admin.email, admin.password)
    response = delete_account(auth, admin.password)
    assert "Staff accounts are removed by another admin." in page_text(response)
    assert count_rows(app, User, email=admin.email) == 1


def test_deleting_ends_the_accounts_sessions_on_every_device(app, auth, client, learner):
    other_device = app.test_client()
    other_device.set_cookie(
        client.get_cookie(app.config["SESSION_COOKIE_NAME"]).key,
        client.get_cookie(app.config["SESSION_COOKIE_NAME"]).value,
    )
    assert other_device.get("/account").status_code == 200
    delete_account(auth, learner.password)
    assert other_device.get("/account").status_code == 302


def test_the_download_and_the_deletion_include_the_pain_journal(app, auth, client, learner):
    with app.app_context():
        db.session.add(
            JournalEntry(
                user_id=learner.id,
                score=6,
                region=Region.LOWER_BACK_LEFT,
                context=Context.MORNING,
                noted_at=utcnow(),
                note="stiff after the drive",
            )
        )
        db.session.commit()
    data = json.loads(client.get("/account/export").data)
    assert [entry["note"] for entry in data["practice"]["journal"]] == ["stiff after the drive"]
    delete_account(auth, learner.password)
    assert count_rows(app, JournalEntry, user_id=learner.id) == 0
