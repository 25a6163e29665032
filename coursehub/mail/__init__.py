"""Transactional mail: templates, the outbox, and delivery after commit."""

from flask import Flask, current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from coursehub.core.extensions import db
from coursehub.mail.services import deliver, take_committed_ids


def _after_commit(session: Session) -> None:
    new = session.info.pop("outbox_new", None)
    if new:
        session.info.setdefault("outbox_committed", set()).update(new)


def _after_rollback(session: Session) -> None:
    session.info.pop("outbox_new", None)


def _deliver_committed(_error: BaseException | None = None) -> None:
    """Send what this request or CLI command committed, once its work is done and (for a request) its
    response has gone; a failure leaves the message in the outbox for the next retry."""
    ids = take_committed_ids(db.session)
    if ids and current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        deliver(ids)


def register_mail(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first, while the session is still there.
    app.teardown_appcontext(_deliver_committed)
