"""The learner's progress (pain, before/after, left/right, adherence) and the author's anonymised outcomes."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user
from werkzeug.wrappers import Response

from coursehub.accounts.decorators import role_required
from coursehub.accounts.models import Role
from coursehub.practice import bp
from coursehub.practice.charts import CHARTS, render_chart
from coursehub.practice.outcomes import MIN_GROUP, author_outcomes
from coursehub.practice.profile import find_profile, zone_of
from coursehub.practice.reports import progress_report

# The chart is a separate document (an <img>): it may use the <style> pygal puts in it, and nothing else.
CHART_POLICY = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"


def _own_report():
    profile = find_profile(current_user.id)
    zone = zone_of(profile)
    return progress_report(current_user, zone, profile), zone


@bp.get("/progress")
def progress():
    report, zone = _own_report()
    return render_template("practice/progress.html", report=report, zone=zone)


@bp.get("/progress/<name>.svg")
def chart(name: str):
    if name not in CHARTS:
        abort(404)
    report, _ = _own_report()
    response = Response(render_chart(name, report), mimetype="image/svg+xml")
    response.headers["Content-Security-Policy"] = CHART_POLICY
    return response


@bp.get("/outcomes")
@role_required(Role.AUTHOR, Role.ADMIN)
def outcomes():
    """Staff only; under /practice because the figures are practice's, not the studio's."""
    return render_template("practice/outcomes.html", rows=author_outcomes(), min_group=MIN_GROUP)
