"""The learner's downloads: the printable home program, the calendar feed and the data export."""

from __future__ import annotations

import json

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coursehub.accounts.models import User
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.core.templating import external_url
from coursehub.practice import bp
from coursehub.practice.calendar_feed import practice_calendar
from coursehub.practice.data_rights import CSV_KINDS, export_csv, export_practice_data
from coursehub.practice.forms import CsrfForm
from coursehub.practice.home_program import home_program_pdf
from coursehub.practice.profile import find_profile, new_feed_token, profile_for_token, revoke_feed, zone_of
from coursehub.practice.routines import planned_routine

SCHOOL = "CourseHub"


def _download(body, mimetype: str, filename: str) -> Response:
    response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/routine.pdf")
def routine_pdf():
    today = utcnow().astimezone(zone_of(find_profile(current_user.id))).date()
    pdf = home_program_pdf(current_user.display_name, planned_routine(current_user), today, SCHOOL)
    return _download(pdf, "application/pdf", "home-program.pdf")


@bp.get("/feed/<token>.ics")
def feed(token: str):
    """The one practice page without a log-in: the secret in the URL is the key. Unknown or revoked: 404."""
    profile = profile_for_token(token)
    if profile is None:
        abort(404)
    user = db.session.get(User, profile.user_id)
    today = utcnow().astimezone(zone_of(profile)).date()
    body = practice_calendar(user, profile, today, SCHOOL, external_url("practice.home"))
    return Response(body, mimetype="text/calendar")


@bp.post("/feed/new")
def feed_new():
    """A new secret URL, shown once; the previous one stops working at once."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    token = new_feed_token(current_user)
    db.session.commit()
    return render_template("practice/feed.html", feed_url=external_url("practice.feed", token=token))


@bp.post("/feed/revoke")
def feed_revoke():
    if not CsrfForm().validate_on_submit():
        abort(400)
    revoke_feed(current_user)
    db.session.commit()
    flash("Your calendar link is switched off. Calendars that used it will stop updating.", "success")
    return redirect(url_for("practice.settings"))


@bp.get("/export.json")
def export_json():
    data = export_practice_data(current_user)
    return _download(json.dumps(data, indent=2, ensure_ascii=False), "application/json", "practice-data.json")


@bp.get("/export/<kind>.csv")
def export_kind_csv(kind: str):
    if kind not in CSV_KINDS:
        abort(404)
    body = export_csv(export_practice_data(current_user), kind)
    return _download(body, "text/csv", f"practice-{kind}.csv")
