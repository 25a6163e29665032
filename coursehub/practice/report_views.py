"""The learner's progress: pain over time, before/after change per session, left/right balance."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from coursehub.practice import bp
from coursehub.practice.profile import find_profile, zone_of
from coursehub.practice.reports import progress_report


@bp.get("/progress")
def progress():
    zone = zone_of(find_profile(current_user.id))
    return render_template("practice/progress.html", report=progress_report(current_user, zone), zone=zone)
