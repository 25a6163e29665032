"""The studio's home and the publishing verbs for courses and modules."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from coursehub.authoring import bp
from coursehub.authoring.announce import announce_module
from coursehub.authoring.charts import insight_charts
from coursehub.authoring.insights import course_insights
from coursehub.authoring.overview import course_gaps, module_gaps, studio_overview
from coursehub.authoring.status import (
    StatusError,
    author_zone,
    local_time,
    parse_local,
    publish,
    schedule,
    unpublish,
)
from coursehub.content.models import Course, Module
from coursehub.core.extensions import db

bp.add_app_template_filter(local_time, "local_time")


@bp.context_processor
def _studio_context():
    return {"author_zone_name": author_zone().key}


def load_course(slug: str) -> Course:
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        abort(404)
    return course


def load_module(course_slug: str, module_slug: str) -> Module:
    course = load_course(course_slug)
    module = db.session.scalar(
        select(Module).where(Module.course_id == course.id, Module.slug == module_slug)
    )
    if module is None:
        abort(404)
    return module


@bp.get("")
def home():
    return render_template("authoring/home.html", courses=studio_overview())


def _target(course_slug: str, module_slug: str | None):
    return load_module(course_slug, module_slug) if module_slug else load_course(course_slug)


@bp.post("/courses/<course_slug>/publish", defaults={"module_slug": None}, endpoint="publish_course")
@bp.post("/courses/<course_slug>/modules/<module_slug>/publish")
def publish_view(course_slug: str, module_slug: str | None):
    """Publishing first lists what is missing; the author confirms to publish anyway."""
    row = _target(course_slug, module_slug)
    gaps = module_gaps(row) if module_slug else course_gaps(row)
    if gaps and request.form.get("confirm") != "1":
        return render_template("authoring/confirm_publish.html", row=row, module=module_slug, gaps=gaps)
    try:
        publish(current_user, row)
    except StatusError as error:
        abort(error.status, str(error))
    sent = 0
    if module_slug and request.form.get("announce") == "1":
        sent = announce_module(current_user, row)
    db.session.commit()
    announced = f" Announced to {sent} learners." if module_slug else ""
    flash(f"“{row.title}” is published.{announced}", "success")
    return redirect(url_for("authoring.home"))


@bp.post("/courses/<course_slug>/schedule", defaults={"module_slug": None}, endpoint="schedule_course")
@bp.post("/courses/<course_slug>/modules/<module_slug>/schedule")
def schedule_view(course_slug: str, module_slug: str | None):
    row = _target(course_slug, module_slug)
    try:
        schedule(current_user, row, parse_local(request.form.get("at", "")))
    except StatusError as error:
        abort(error.status, str(error))
    db.session.commit()
    flash(f"“{row.title}” is scheduled.", "success")
    return redirect(url_for("authoring.home"))


@bp.post("/courses/<course_slug>/unpublish", defaults={"module_slug": None}, endpoint="unpublish_course")
@bp.post("/courses/<course_slug>/modules/<module_slug>/unpublish")
def unpublish_view(course_slug: str, module_slug: str | None):
    row = _target(course_slug, module_slug)
    try:
        unpublish(current_user, row)
    except StatusError as error:
        abort(error.status, str(error))
    db.session.commit()
    flash(f"“{row.title}” is a draft again; learners no longer see it.", "success")
    return redirect(url_for("authoring.home"))


@bp.get("/courses/<course_slug>/insights")
def insights(course_slug: str):
    """What works in a course: the figures as charts and, for reading them exactly, as tables."""
    figures = course_insights(load_course(course_slug))
    return render_template("authoring/insights.html", insights=figures, charts=insight_charts(figures))
