"""The mail server is down: mail waits in the outbox, counted, and goes exactly once when it is back."""

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select, update

from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.mail.models import OutboxMessage
from tests.conftest import Mailbox
from tests.factories import make_user
from tests.helpers import free_port

SMTP_PORT = free_port()  # nothing listens here until the test starts a server


@pytest.fixture
def app_settings():
    return {"SMTP_PORT": SMTP_PORT}


def stored_mail(app) -> list[OutboxMessage]:
    with app.app_context():
        rows = list(db.session.scalars(select(OutboxMessage)))
        db.session.expunge_all()
        return rows


def test_mail_survives_an_outage_and_is_sent_once_when_the_server_is_back(app, auth, runner):
    user = make_user(app)
    assert auth.post("/forgot-password", {"email": user.email}).status_code == 302

    [waiting] = stored_mail(app)
    assert waiting.sent_at is None and waiting.attempts == 1
    assert "ConnectionRefusedError" in waiting.last_error

    mailbox = Mailbox()
    server = Controller(mailbox, hostname="127.0.0.1", port=SMTP_PORT, ready_timeout=5)
    server.start()
    try:
        with app.app_context():  # as if the retry delay had passed
            db.session.execute(update(OutboxMessage).values(next_attempt_at=utcnow()))
            db.session.commit()
        first = runner.invoke(args=["mail", "send-pending"])
        second = runner.invoke(args=["mail", "send-pending"])
    finally:
        server.stop()

    assert "1 sent, 0 failed" in first.output and "0 sent, 0 failed" in second.output
    assert [message["To"] for message in mailbox.messages] == [user.email]
    [sent] = stored_mail(app)
    assert sent.sent_at is not None and sent.attempts == 1
