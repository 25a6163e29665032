"""Announcing a new module: who gets the mail, its unsubscribe headers, and the link that works logged out."""

from sqlalchemy import select

from coursehub.accounts.mail_preferences import MailPreference
from coursehub.core.extensions import db
from tests.factories import grant, make_user
from tests.helpers import csrf_token_from, links_in, page_text


def publish_with_announcement(auth, course):
    token = csrf_token_from(auth.client.get("/author").get_data(as_text=True))
    return auth.client.post(
        f"/author/courses/{course.slug}/modules/module-2/publish",
        data={"csrf_token": token, "confirm": "1", "announce": "1"},
    )


def test_publishing_with_an_announcement_mails_enrolled_verified_learners_only(
    app, auth, author, course, mailbox
):
    enrolled = make_user(app, email="enrolled@example.com")
    grant(app, enrolled, course, enroll=True)
    unverified = make_user(app, email="unverified@example.com", verified=False)
    grant(app, unverified, course, enroll=True)
    revoked = make_user(app, email="revoked@example.com")
    grant(app, revoked, course, status="revoked", enroll=True)
    opted_out = make_user(app, email="quiet@example.com")
    grant(app, opted_out, course, enroll=True)
    with app.app_context():
        db.session.add(MailPreference(user_id=opted_out.id, course_news=False))
        db.session.commit()
    make_user(app, email="stranger@example.com")

    response = publish_with_announcement(auth, course)

    assert response.status_code == 302
    assert [m["To"] for m in mailbox.messages] == ["enrolled@example.com"]
    [message] = mailbox.messages
    assert message["Subject"].startswith("New in Course")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Unsubscribe"].startswith("<http://school.test/mail/unsubscribe/")
    assert f"http://school.test/courses/{course.slug}/lessons/lesson-3" in links_in(message)


def test_the_one_click_unsubscribe_works_without_logging_in_and_only_with_a_valid_token(
    app, client, auth, author, course, mailbox
):
    learner = make_user(app, email="enrolled@example.com")
    grant(app, learner, course, enroll=True)
    publish_with_announcement(auth, course)
    url = mailbox.messages[0]["List-Unsubscribe"].strip("<>").removeprefix("http://school.test")
    auth.logout()
    page = client.get(url)
    assert page.status_code == 200 and "Stop emails about new modules in your courses?" in page_text(page)
    assert count_opted_out(app) == 0  # a GET (a link scanner) changes nothing
    forged = client.post(url[:-3] + "xyz", data={"List-Unsubscribe": "One-Click"})
    assert forged.status_code == 400 and "damaged or no longer valid" in page_text(forged)
    assert count_opted_out(app) == 0
    done = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "You are unsubscribed" in page_text(done)
    assert count_opted_out(app) == 1


def count_opted_out(app) -> int:
    with app.app_context():
        return len(
            db.session.scalars(select(MailPreference).where(MailPreference.course_news.is_(False))).all()
        )


def test_the_preference_page_turns_course_news_back_on(app, auth, course):
    learner = make_user(app)
    auth.login(learner.email, learner.password)
    page = auth.client.get("/account/mail")
    assert page.headers["Cache-Control"] == "private, no-store"
    token = csrf_token_from(page.get_data(as_text=True))
    auth.client.post("/account/mail", data={"csrf_token": token})
    assert count_opted_out(app) == 1
    auth.client.post("/account/mail", data={"csrf_token": token, "course_news": "1"})
    assert count_opted_out(app) == 0
