"""Ending sessions from the account page: one other device, or every other device at once."""

from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from coursehub.accounts import bp
from coursehub.accounts.sessions import end_all_sessions, end_session, own_session
from coursehub.core.extensions import db


@bp.post("/account/sessions/<int:session_id>/end")
@login_required
def end_other_session(session_id: int):
    """404 for another person's session: its id says nothing about them."""
    row = own_session(current_user, session_id)
    if row is None:
        abort(404)
    end_session(row)
    db.session.commit()
    if row.id == current_user.current_session.id:
        flash("You are logged out.", "info")
        return redirect(url_for("catalog.index"))
    flash("That device is logged out.", "success")
    return redirect(url_for("accounts.account"))


@bp.post("/account/sessions/end-others")
@login_required
def end_other_sessions():
    end_all_sessions(current_user, keep=current_user.current_session)
    db.session.commit()
    flash("Every other device is logged out.", "success")
    return redirect(url_for("accounts.account"))
