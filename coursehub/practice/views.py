"""The practice home, the safety check, settings and the routine builder.

Every practice page is the learner's own: log-in is required (the calendar feed, reached by its secret
token, is the one exception) and no response may be kept by a shared cache.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coursehub.content.notices import notice
from coursehub.content.queries import course_by_slug
from coursehub.core.extensions import db, login_manager
from coursehub.core.requests import safe_next
from coursehub.practice import bp, safety
from coursehub.practice.errors import PracticeError
from coursehub.practice.forms import CsrfForm, QuickPainForm, RepsForm, ScreeningForm, SettingsForm
from coursehub.practice.profile import find_profile, update_settings, zone_name
from coursehub.practice.routines import (
    add_exercise,
    available_exercises,
    move_exercise,
    planned_routine,
    remove_exercise,
    set_reps,
)
from coursehub.practice.safety import (
    clearance,
    cleared_course_ids,
    has_consented,
    record_screening,
)
from coursehub.practice.sessions import recent_sessions

PUBLIC_ENDPOINTS = {"practice.feed"}


@bp.before_request
def _signed_in_only():
    if request.endpoint not in PUBLIC_ENDPOINTS and not current_user.is_authenticated:
        return login_manager.unauthorized()
    return None


@bp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "private, no-store"
    return response


def fail(error: PracticeError):
    abort(error.status, str(error))


@bp.get("/")
def home():
    planned = planned_routine(current_user)
    courses = {entry.course.id: entry.course for entry in planned}
    cleared = cleared_course_ids(current_user, courses)
    return render_template(
        "practice/home.html",
        planned=planned,
        to_screen=[course for course_id, course in courses.items() if course_id not in cleared],
        sessions=recent_sessions(current_user, 5),
        start_form=QuickPainForm(),
    )


@bp.route("/courses/<slug>/screening", methods=["GET", "POST"])
def screening(slug: str):
    """The safety questions for one course, with the disclaimer to consent to when it is new."""
    course = course_by_slug(slug)
    if course is None:
        abort(404)
    questions = safety.screening_in_force()
    form = ScreeningForm()
    consented = has_consented(current_user, questions)
    answers = {q.id: request.form.get(f"q-{q.id}", "") for q in questions.questions}
    status = 200
    if form.validate_on_submit():
        try:
            result = record_screening(current_user, course, answers, form.consent.data)
        except PracticeError as error:
            flash(str(error), "error")
            status = 400
        else:
            db.session.commit()
            if result.red_flags:
                return render_template("practice/see_clinician.html", course=course, clearance=result)
            flash(f"Thank you. Practice for {course.title} is open.", "success")
            return redirect(safe_next(request.args.get("next")) or url_for("practice.routine"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "practice/screening.html",
        course=course,
        screening=questions,
        form=form,
        consented=consented,
        answers=answers,
        disclaimer=notice("disclaimer"),
        current=clearance(current_user, course, questions),
    ), status


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    profile = find_profile(current_user.id)
    form = SettingsForm(
        data={
            "time_zone": zone_name(profile),
            "days": [day for day in range(7) if profile and profile.has_day(day)],
            "outcomes_opt_in": bool(profile and profile.outcomes_opt_in),
        }
        if request.method == "GET"
        else None
    )
    status = 200
    if form.validate_on_submit():
        try:
            update_settings(
                current_user, form.time_zone.data.strip(), form.days.data, form.outcomes_opt_in.data
            )
        except PracticeError as error:
            form.time_zone.errors.append(str(error))
            status = 400
        else:
            db.session.commit()
            flash("Your practice settings are saved.", "success")
            return redirect(url_for("practice.settings"))
    elif request.method == "POST":
        status = 400
    feed_active = bool(profile and profile.feed_token_hash)
    return render_template(
        "practice/settings.html", form=form, csrf_form=CsrfForm(), feed_active=feed_active
    ), status


@bp.get("/routine")
def routine():
    planned = planned_routine(current_user)
    taken = {(entry.lesson.id, entry.item.step_index) for entry in planned}
    return render_template(
        "practice/routine.html",
        planned=planned,
        exercises=[e for e in available_exercises(current_user) if (e.lesson.id, e.index) not in taken],
        csrf_form=CsrfForm(),
        reps_form=RepsForm(),
    )


def _routine_change(change) -> Response:
    """Run one change of the routine behind a valid CSRF token, then show the routine again."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    try:
        change()
    except PracticeError as error:
        fail(error)
    db.session.commit()
    return redirect(url_for("practice.routine"))


def _int_field(name: str) -> int:
    value = request.form.get(name, "")
    if not value.isdigit() or len(value) > 9:
        abort(400, f"{name} must be a whole number.")
    return int(value)


@bp.post("/routine/add")
def routine_add():
    lesson_id, step = _int_field("lesson_id"), _int_field("step")
    return _routine_change(lambda: add_exercise(current_user, lesson_id, step))


@bp.post("/routine/<int:item_id>/remove")
def routine_remove(item_id: int):
    return _routine_change(lambda: remove_exercise(current_user, item_id))


@bp.post("/routine/<int:item_id>/move")
def routine_move(item_id: int):
    direction = request.form.get("direction", "")
    return _routine_change(lambda: move_exercise(current_user, item_id, direction))


@bp.post("/routine/<int:item_id>/reps")
def routine_reps(item_id: int):
    form = RepsForm()
    if not form.validate_on_submit():
        abort(400, "Repetitions must be a whole number from 1 to 100.")
    try:
        set_reps(current_user, item_id, form.reps.data)
    except PracticeError as error:
        fail(error)
    db.session.commit()
    return redirect(url_for("practice.routine"))
