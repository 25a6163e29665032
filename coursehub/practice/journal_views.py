"""The pain journal pages: recent entries, a new entry, and deleting the whole journal."""

from __future__ import annotations

from datetime import datetime

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.practice import bp
from coursehub.practice.errors import PracticeError
from coursehub.practice.forms import CsrfForm, JournalForm
from coursehub.practice.journal import add_entry, delete_journal, entries_of
from coursehub.practice.profile import find_profile, zone_of


def _noted_at(local: datetime | None, zone) -> datetime:
    """The form's local date and time (the learner's zone) in UTC; now when left blank."""
    return utcnow() if local is None else local.replace(tzinfo=zone)


@bp.route("/journal", methods=["GET", "POST"])
def journal():
    zone = zone_of(find_profile(current_user.id))
    form = JournalForm()
    status = 200
    if form.validate_on_submit():
        try:
            add_entry(
                current_user,
                form.score.data,
                form.region.data,
                form.context.data,
                _noted_at(form.noted_at.data, zone),
                form.note.data,
            )
        except PracticeError as error:
            flash(str(error), "error")
            status = 400
        else:
            db.session.commit()
            flash("Your journal entry is saved.", "success")
            return redirect(url_for("practice.journal"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "practice/journal.html",
        form=form,
        entries=entries_of(current_user, 50),
        zone=zone,
        delete_form=CsrfForm(),
    ), status


@bp.post("/journal/delete")
def journal_delete():
    if not CsrfForm().validate_on_submit():
        abort(400)
    if request.form.get("confirm") != "delete":
        abort(400, "Tick the box to confirm that you want to delete your whole journal.")
    deleted = delete_journal(current_user)
    db.session.commit()
    flash(f"Your pain journal is deleted ({deleted} entries).", "success")
    return redirect(url_for("practice.journal"))
