import logging

from sqlalchemy import select

from coursehub.accounts.models import User
from coursehub.accounts.services import request_password_reset
from coursehub.core.extensions import db
from coursehub.mail.models import OutboxMessage
from coursehub.mail.services import deliver, due_message_ids, queue_mail
from tests.factories import make_user
from tests.helpers import free_port


def outbox(app) -> list[OutboxMessage]:
    with app.app_context():
        messages = list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
        db.session.expunge_all()
        return messages


def queue_reset_mail(app, user, commit: bool) -> None:
    with app.test_request_context():
        from coursehub.accounts.services import request_password_reset

        request_password_reset(user.email)
        if commit:
            db.session.commit()
        else:
            db.session.rollback()


def test_mail_is_sent_after_the_commit_as_text_and_html(app, auth, mailbox):
    user = make_user(app)
    auth.post("/forgot-password", {"email": user.email})
    [message] = mailbox.to(user.email)
    assert message["From"] == app.config["MAIL_FROM"]
    assert message.get_body(preferencelist=("plain",)) is not None
    assert "Choose a new password" in message.get_body(preferencelist=("html",)).get_content()
    [stored] = outbox(app)
    assert stored.sent_at is not None and stored.attempts == 0


def test_mail_from_a_rolled_back_transaction_is_never_written_or_sent(app, mailbox):
    user = make_user(app)
    queue_reset_mail(app, user, commit=False)
    assert outbox(app) == []
    assert mailbox.messages == []


def test_a_failed_delivery_stays_in_the_outbox_and_send_pending_retries_it(app, runner, mailbox):
    user = make_user(app)
    working_port = app.config["SMTP_PORT"]
    app.config["SMTP_PORT"] = free_port()  # nothing listens there

    queue_reset_mail(app, user, commit=True)  # tried as the context ends, and refused
    [failed] = outbox(app)
    assert failed.sent_at is None and failed.attempts == 1
    assert "ConnectionRefusedError" in failed.last_error
    assert mailbox.messages == []

    app.config["SMTP_PORT"] = working_port
    with app.app_context():  # make it due now rather than after its backoff
        db.session.get(OutboxMessage, failed.id).next_attempt_at = failed.created_at
        db.session.commit()
    result = runner.invoke(args=["mail", "send-pending"])

    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output
    assert len(mailbox.to(user.email)) == 1
    assert outbox(app)[0].sent_at is not None


def test_send_pending_exits_1_while_mail_keeps_failing(app, runner):
    user = make_user(app)
    app.config["SMTP_PORT"] = free_port()
    app.config["MAIL_SEND_AFTER_COMMIT"] = False  # leave it all to the worker
    queue_reset_mail(app, user, commit=True)
    result = runner.invoke(args=["mail", "send-pending"])
    assert result.exit_code == 1
    assert "0 sent, 1 failed and kept for retry" in result.output


def test_a_message_is_delivered_once_even_when_two_senders_run(app, mailbox):
    user = make_user(app)
    app.config["MAIL_SEND_AFTER_COMMIT"] = False
    queue_reset_mail(app, user, commit=True)
    with app.app_context():
        ids = due_message_ids()
        assert deliver(ids) == (1, 0)
        assert deliver(ids) == (0, 0)
    assert len(mailbox.to(user.email)) == 1


def test_without_smtp_the_demo_logs_each_message_with_its_links(app, caplog):
    user = make_user(app)
    app.config["SMTP_HOST"] = None
    with caplog.at_level(logging.WARNING, logger="coursehub.mail"):
        queue_reset_mail(app, user, commit=True)
    assert outbox(app)[0].sent_at is not None
    assert f"To: {user.email}" in caplog.text
    assert "http://school.test/reset-password/" in caplog.text


def test_queue_mail_renders_both_parts(app):
    user = make_user(app)
    with app.test_request_context():
        from coursehub.accounts.models import User

        message = queue_mail(user.email, "Hello", "password_changed", user=db.session.get(User, user.id))
        assert user.display_name in message.text_body and user.display_name in message.html_body


def test_a_request_that_queues_mail_has_answered_before_smtp_is_used(app, auth, mailbox):
    user = make_user(app)
    token = auth.csrf_token("/forgot-password")
    response = auth.client.post(
        "/forgot-password", data={"email": user.email, "csrf_token": token}, buffered=False
    )
    assert response.status_code == 302  # the whole answer is here, and the server has not closed it yet
    response.get_data()
    assert mailbox.messages == []
    [queued] = outbox(app)
    assert queued.sent_at is None and queued.attempts == 0  # no SMTP connection was tried either
    response.close()  # what the WSGI server does once the body has gone
    assert len(mailbox.to(user.email)) == 1


def test_mail_committed_in_a_context_that_then_reads_still_goes_when_it_ends(committed_app, mailbox):
    """A CLI command commits mail, then reads on (a transaction stays open): on SQLite that open
    transaction must not block the delivery's own session when the context ends."""
    user = make_user(committed_app)
    with committed_app.app_context():
        request_password_reset(user.email)
        db.session.commit()
        assert db.session.get(User, user.id).email == user.email  # a read after the commit: a transaction
    assert [m["To"] for m in mailbox.messages] == [user.email]
