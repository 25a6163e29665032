"""Practice mode: start a session, step through it (a script, or a checklist without JavaScript), end it."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.practice import bp
from coursehub.practice.errors import PracticeError
from coursehub.practice.forms import CsrfForm, QuickPainForm
from coursehub.practice.journal import add_entry
from coursehub.practice.models import Context, Outcome
from coursehub.practice.sessions import NotCleared, finish_session, own_session, start_session
from coursehub.practice.views import fail


@bp.post("/sessions")
def start():
    """Start a session from the routine, with an optional pain score before it."""
    form = QuickPainForm()
    if not form.validate_on_submit():
        abort(400, " ".join(form.score.errors) or None)
    try:
        session = start_session(current_user)
        if form.score.data is not None:
            add_entry(
                current_user,
                form.score.data,
                form.region.data,
                Context.BEFORE_PRACTICE,
                utcnow(),
                session_id=session.id,
            )
    except NotCleared as error:
        flash(str(error), "error")
        next_url = url_for("practice.home")
        return redirect(url_for("practice.screening", slug=error.course.slug, next=next_url))
    except PracticeError as error:
        fail(error)
    db.session.commit()
    return redirect(url_for("practice.run", session_id=session.id))


@bp.get("/sessions/<int:session_id>")
def run(session_id: int):
    try:
        session = own_session(current_user, session_id)
    except PracticeError as error:
        fail(error)
    if session.outcome is not Outcome.IN_PROGRESS:
        return redirect(url_for("practice.after", session_id=session.id))
    return render_template("practice/run.html", session=session, form=CsrfForm())


def _reps_from_form() -> dict[tuple[int, str], int]:
    """``reps-<position>-<side>`` fields; a blank field is 0, anything but a small whole number is refused."""
    done = {}
    for name, value in request.form.items():
        if not name.startswith("reps-"):
            continue
        parts = name.split("-")
        if (
            len(parts) != 3
            or not parts[1].isdigit()
            or len(parts[1]) > 4
            or parts[2] not in ("left", "right", "both")
        ):
            abort(400, "The session form was not understood. Reload the page and try again.")
        value = value.strip() or "0"
        if not value.isdigit() or len(value) > 4:
            abort(400, "Repetitions done must be whole numbers.")
        done[(int(parts[1]), parts[2])] = int(value)
    return done


@bp.post("/sessions/<int:session_id>/finish")
def finish(session_id: int):
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        ending = finish_session(current_user, session_id, request.form.get("ending", ""), _reps_from_form())
    except PracticeError as error:
        fail(error)
    db.session.commit()
    if ending.session.outcome is Outcome.SHARP_PAIN:
        return redirect(url_for("practice.stopped", session_id=session_id))
    return redirect(url_for("practice.after", session_id=session_id))


@bp.get("/sessions/<int:session_id>/stopped")
def stopped(session_id: int):
    """The safety advice after "Sharp pain - stop"."""
    try:
        session = own_session(current_user, session_id)
    except PracticeError as error:
        fail(error)
    return render_template("practice/stopped.html", session=session, form=QuickPainForm())


@bp.route("/sessions/<int:session_id>/after", methods=["GET", "POST"])
def after(session_id: int):
    """How the session went, and a quick pain score after it."""
    try:
        session = own_session(current_user, session_id)
    except PracticeError as error:
        fail(error)
    if session.outcome is Outcome.IN_PROGRESS:
        return redirect(url_for("practice.run", session_id=session.id))
    form = QuickPainForm()
    status = 200
    if form.validate_on_submit():
        if form.score.data is None:
            return redirect(url_for("practice.progress"))
        try:
            add_entry(
                current_user,
                form.score.data,
                form.region.data,
                Context.AFTER_PRACTICE,
                utcnow(),
                session_id=session.id,
            )
        except PracticeError as error:
            fail(error)
        db.session.commit()
        flash("Your pain score after practice is saved.", "success")
        return redirect(url_for("practice.progress"))
    if request.method == "POST":
        status = 400
    return render_template("practice/after.html", session=session, form=form), status
