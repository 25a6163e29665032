"""Learners: search, one learner's page, and the support actions (access, verification, disabling)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for

from coursehub.accounts.models import User
from coursehub.accounts.services import AccountError, disable_account, enable_account, send_verification
from coursehub.admin import acting_admin, bp
from coursehub.admin.forms import AccessForm, ReasonForm
from coursehub.admin.learners import course_by_slug, course_choices, learner_record, search_learners
from coursehub.core.extensions import db
from coursehub.learning.enrollment import EnrollmentError, grant_access, revoke_access

MAX_ID = 2**31 - 1


def _user_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id) if 0 < user_id <= MAX_ID else None
    if user is None:
        abort(404)
    return user


@bp.get("/learners")
def learners():
    text = request.args.get("q", "")[:254]
    if "\x00" in text:
        abort(400, "The search can't contain a NUL character.")
    return render_template("admin/learners.html", users=search_learners(text), q=text)


def _learner_page(user: User, access_form=None, reason_form=None, status: int = 200):
    access_form = access_form or AccessForm()
    access_form.course.choices = course_choices()
    return (
        render_template(
            "admin/learner.html",
            record=learner_record(user),
            access_form=access_form,
            reason_form=reason_form or ReasonForm(),
        ),
        status,
    )


@bp.get("/learners/<int:user_id>")
def learner(user_id: int):
    return _learner_page(_user_or_404(user_id))


@bp.post("/learners/<int:user_id>/access/<verb>")
def change_access(user_id: int, verb: str):
    if verb not in {"grant", "revoke"}:
        abort(404)
    user = _user_or_404(user_id)
    form = AccessForm()
    form.course.choices = course_choices()
    if not form.validate_on_submit():
        return _learner_page(user, access_form=form, status=400)
    course = course_by_slug(form.course.data)
    try:
        (grant_access if verb == "grant" else revoke_access)(
            user, course, form.reason.data.strip(), acting_admin()
        )
    except EnrollmentError as error:
        db.session.rollback()
        form.reason.errors.append(str(error))
        return _learner_page(user, access_form=form, status=400)
    db.session.commit()
    flash(f"{'Granted' if verb == 'grant' else 'Revoked'} {course.title}.", "success")
    return redirect(url_for("admin.learner", user_id=user.id), 303)


@bp.post("/learners/<int:user_id>/resend-verification")
def resend_learner_verification(user_id: int):
    user = _user_or_404(user_id)
    if user.is_verified:
        flash("This learner's email is already confirmed.", "info")
    else:
        send_verification(user)
        db.session.commit()
        flash("Sent a new confirmation link.", "success")
    return redirect(url_for("admin.learner", user_id=user.id), 303)


@bp.post("/learners/<int:user_id>/<verb>")
def change_account(user_id: int, verb: str):
    if verb not in {"disable", "enable"}:
        abort(404)
    user = _user_or_404(user_id)
    form = ReasonForm()
    if not form.validate_on_submit():
        return _learner_page(user, reason_form=form, status=400)
    try:
        (disable_account if verb == "disable" else enable_account)(
            user, acting_admin(), form.reason.data.strip()
        )
    except AccountError as error:
        db.session.rollback()
        form.reason.errors.append(error.message)
        return _learner_page(user, reason_form=form, status=400)
    db.session.commit()
    flash(
        "The account is disabled; its sessions have ended."
        if verb == "disable"
        else "The account is enabled again.",
        "success",
    )
    return redirect(url_for("admin.learner", user_id=user.id), 303)
