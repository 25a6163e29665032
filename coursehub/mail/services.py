"""Queueing mail inside the caller's transaction and delivering it once that transaction commits."""

from __future__ import annotations

import logging
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app, render_template
from sqlalchemy import or_, select, update

from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.mail.models import OutboxMessage
from coursehub.mail.transport import transport_for

log = logging.getLogger("coursehub.mail")
CLAIM_SECONDS = 120
MAX_BACKOFF = timedelta(hours=6)


def queue_mail(
    to_address: str, subject: str, template: str, headers: dict[str, str] | None = None, **context
) -> OutboxMessage:
    """Render ``templates/mail/<template>.txt`` and ``.html`` and add the message to the outbox.

    Nothing is sent here: the message goes out after the caller's commit, or never if it rolls back.
    """
    context.setdefault("subject", subject)
    message = OutboxMessage(
        to_address=to_address,
        subject=subject,
        text_body=render_template(f"mail/{template}.txt", **context),
        html_body=render_template(f"mail/{template}.html", **context),
        headers=headers,
    )
    db.session.add(message)
    db.session.flush()
    db.session.info.setdefault("outbox_new", set()).add(message.id)
    return message


def take_committed_ids(session) -> set[int]:
    return session.info.pop("outbox_committed", set())


def deliver(message_ids, transport=None) -> tuple[int, int]:
    """Try to send each message now; one that fails stays in the outbox with a later retry time.

    :return: (sent, failed) counts.
    """
    transport = transport or transport_for(current_app.config)
    sent = failed = 0
    for message_id in sorted(message_ids):
        if not _claim(message_id):
            continue
        message = db.session.get(OutboxMessage, message_id)
        try:
            transport.send(_to_email(message))
        except Exception as error:
            _record_failure(message, error)
            failed += 1
        else:
            message.sent_at = utcnow()
            message.claimed_until = None
            sent += 1
        db.session.commit()
    return sent, failed


def due_message_ids(include_given_up: bool = False) -> list[int]:
    now = utcnow()
    query = select(OutboxMessage.id).where(
        OutboxMessage.sent_at.is_(None),
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )
    if not include_given_up:
        query = query.where(OutboxMessage.attempts < current_app.config["MAIL_MAX_ATTEMPTS"])
    return list(db.session.scalars(query.order_by(OutboxMessage.id)))


def _claim(message_id: int) -> bool:
    """Mark the message as ours for a while, committed, so a second sender skips it."""
    now = utcnow()
    result = db.session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.sent_at.is_(None),
            or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
        )
        .values(claimed_until=now + timedelta(seconds=CLAIM_SECONDS))
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def _record_failure(message: OutboxMessage, error: Exception) -> None:
    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:500]
    message.claimed_until = None
    message.next_attempt_at = utcnow() + min(timedelta(minutes=2**message.attempts), MAX_BACKOFF)
    log.warning(
        "Mail %s to %s failed (attempt %s): %s",
        message.id,
        message.to_address,
        message.attempts,
        message.last_error,
    )


def _to_email(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage()
    email["From"] = current_app.config["MAIL_FROM"]
    email["To"] = message.to_address
    email["Subject"] = message.subject
    email["Message-ID"] = make_msgid(idstring=f"outbox-{message.id}", domain="coursehub")
    for name, value in (message.headers or {}).items():
        email[name] = value
    email.set_content(message.text_body)
    email.add_alternative(message.html_body, subtype="html")
    return email
