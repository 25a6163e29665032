"""Transactional mail: templates, the outbox, and delivery after commit."""

from flask import Flask, Response, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from coursehub.extensions import db
from coursehub.mail.services import deliver, take_committed_ids


def _after_commit(session: Session) -> None:
    new = session.info.pop("outbox_new", None)
    if new:
        session.info.setdefault("outbox_committed", set()).update(new)


def _after_rollback(session: Session) -> None:
    session.info.pop("outbox_new", None)


def _deliver_after_request(response: Response) -> Response:
    """Send what this request committed; a failure leaves it in the outbox for the next retry."""
    ids = take_committed_ids(db.session)
    if ids and current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        deliver(ids)
    return response


def register_mail(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
    app.after_request(_deliver_after_request)
