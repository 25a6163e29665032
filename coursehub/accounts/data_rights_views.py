"""The learner's download of their data and the deletion of their account."""

import json

from flask import Response, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required, logout_user

from coursehub.accounts import bp
from coursehub.accounts.data_rights import delete_account, export_personal_data
from coursehub.accounts.forms import DeleteAccountForm
from coursehub.accounts.services import AccountError
from coursehub.core.extensions import db


@bp.get("/account/export")
@login_required
def export_data():
    body = json.dumps(export_personal_data(current_user), indent=2, default=str, ensure_ascii=False)
    return Response(
        body,
        mimetype="application/json",
        headers={
            "Content-Disposition": 'attachment; filename="coursehub-my-data.json"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        try:
            delete_account(current_user, form.password.data, form.confirm.data)
        except AccountError as error:
            getattr(form, error.field).errors.append(error.message)
        else:
            db.session.commit()
            logout_user()
            session.clear()
            flash("Your account is deleted. Thank you for learning with us.", "info")
            return redirect(url_for("catalog.index"))
    response = Response(render_template("accounts/delete_account.html", form=form))
    response.headers["Cache-Control"] = "private, no-store"
    return response
