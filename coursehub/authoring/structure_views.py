"""Module settings, the quiz, and reordering (drag and drop, or move up/down without JavaScript)."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from coursehub.authoring import bp
from coursehub.authoring.forms import ModuleForm, MoveForm, QuizForm
from coursehub.authoring.lesson_views import load_lesson
from coursehub.authoring.lessons import EditError
from coursehub.authoring.structure import (
    DOWN,
    UP,
    move_lesson,
    move_module,
    order_lessons,
    save_quiz,
    update_module,
)
from coursehub.authoring.views import load_module
from coursehub.content.exporter import quiz_file
from coursehub.content.quiz_files import quiz_text
from coursehub.core.extensions import db

MODULE_URL = "/courses/<course_slug>/modules/<module_slug>"


def _home_at(anchor: str):
    return redirect(url_for("authoring.home") + f"#{anchor}")


@bp.route(MODULE_URL + "/edit", methods=["GET", "POST"])
def edit_module(course_slug: str, module_slug: str):
    module = load_module(course_slug, module_slug)
    form = ModuleForm(obj=module)
    errors: list[str] = []
    if request.method == "POST":
        if form.validate():
            try:
                update_module(
                    current_user, module, form.title.data or "", form.summary.data or "", form.drip_days.data
                )
            except EditError as error:
                errors = error.messages
            else:
                db.session.commit()
                flash("Module saved.", "success")
                return _home_at(f"module-{module.slug}")
        else:
            errors = [f"{form[name].label.text}: {' '.join(errs)}" for name, errs in form.errors.items()]
    page = render_template("authoring/module_edit.html", module=module, form=form, errors=errors)
    return page, 400 if errors else 200


@bp.route(MODULE_URL + "/quiz", methods=["GET", "POST"])
def edit_quiz(course_slug: str, module_slug: str):
    """The quiz as its quiz.toml (all five question types, pool, draw, pass mark), checked by the importer."""
    module = load_module(course_slug, module_slug)
    current = module.quiz if module.quiz is not None and module.quiz.archived_at is None else None
    form = QuizForm(data={"text": quiz_text(quiz_file(current)) if current else ""})
    errors: list[str] = []
    if request.method == "POST":
        form = QuizForm()
        if form.validate():
            try:
                report = save_quiz(current_user, module, form.text.data or "")
            except EditError as error:
                errors = error.messages
            else:
                db.session.commit()
                flash("Quiz saved: " + "; ".join(report.lines()), "success")
                return redirect(
                    url_for("authoring.edit_quiz", course_slug=course_slug, module_slug=module_slug)
                )
        else:
            errors = ["The quiz text is too long."]
    page = render_template("authoring/quiz_edit.html", module=module, form=form, errors=errors)
    return page, 400 if errors else 200


def _direction() -> str:
    form = MoveForm()
    if not form.validate() or form.direction.data not in (UP, DOWN):
        abort(400, "Say whether to move it up or down.")
    return form.direction.data


@bp.post(MODULE_URL + "/move")
def move_module_view(course_slug: str, module_slug: str):
    module = load_module(course_slug, module_slug)
    move_module(current_user, module, _direction())
    db.session.commit()
    return _home_at(f"module-{module.slug}")


@bp.post("/courses/<course_slug>/lessons/<lesson_slug>/move")
def move_lesson_view(course_slug: str, lesson_slug: str):
    lesson = load_lesson(course_slug, lesson_slug)
    move_lesson(current_user, lesson, _direction())
    db.session.commit()
    return _home_at(f"module-{lesson.module.slug}")


@bp.post(MODULE_URL + "/order")
def order_lessons_view(course_slug: str, module_slug: str):
    """Drag and drop's whole new order (``slugs``, repeated); answers 204 to the script."""
    module = load_module(course_slug, module_slug)
    try:
        order_lessons(current_user, module, request.form.getlist("slugs"))
    except EditError as error:
        abort(409, error.messages[0])
    db.session.commit()
    return "", 204
