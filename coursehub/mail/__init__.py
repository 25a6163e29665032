"""Transactional mail: templates, the outbox, and delivery once the work that queued it is done."""

from flask import Flask, Response, current_app
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


def _deliver_in_own_context(app: Flask, ids: set[int]) -> None:
    """Send with a session of its own, so nothing the request left behind is committed with it."""
    with app.app_context():
        deliver(ids)


def _send_after_response(response: Response) -> Response:
    """Hand what this request committed to the server's close hook: it runs once the response has gone,
    so no SMTP round trip delays the answer (and a known address answers as fast as an unknown one)."""
    ids = take_committed_ids(db.session)
    if ids and current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        app = current_app._get_current_object()
        response.call_on_close(lambda: _deliver_in_own_context(app, ids))
    return response


def _deliver_leftovers(_error: BaseException | None = None) -> None:
    """A CLI command (or other work outside a request) sends what it committed when its context ends;
    for a request this finds only what was committed after its response was built."""
    ids = take_committed_ids(db.session)
    if ids and current_app.config["MAIL_SEND_AFTER_COMMIT"]:
        # End this context's transaction first (teardown discards it anyway): on SQLite it may hold the
        # one write lock the delivery's own session needs to claim the messages.
        db.session.rollback()
        _deliver_in_own_context(current_app._get_current_object(), ids)


def register_mail(app: Flask) -> None:
    if not event.contains(Session, "after_commit", _after_commit):
        event.listen(Session, "after_commit", _after_commit)
        event.listen(Session, "after_rollback", _after_rollback)
    app.after_request(_send_after_response)
    # Registered after Flask-SQLAlchemy's own teardown, so it runs first, while the session is still there.
    app.teardown_appcontext(_deliver_leftovers)
