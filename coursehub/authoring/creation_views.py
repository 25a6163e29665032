"""New courses, modules and lessons, and a course's settings (title, subtitle, summary, price)."""

from decimal import Decimal

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy.exc import IntegrityError

from coursehub.authoring import bp
from coursehub.authoring.creation import (
    CourseDraft,
    create_course,
    create_lesson,
    create_module,
    update_course,
)
from coursehub.authoring.forms import CourseSettingsForm, NewCourseForm, NewLessonForm, NewModuleForm
from coursehub.authoring.lessons import EditError
from coursehub.authoring.views import load_course, load_module
from coursehub.core.extensions import db

TAKEN = "That slug was taken a moment ago by someone else. Choose another."


def _cents(value: Decimal | None) -> int:
    return int((value or Decimal(0)) * 100)


def _form_errors(form: FlaskForm) -> list[str]:
    return [f"{form[name].label.text}: {' '.join(errs)}" for name, errs in form.errors.items()]


def _page(heading: str, form: FlaskForm, errors: list[str], fields: list[str], course=None):
    page = render_template(
        "authoring/create.html", heading=heading, form=form, errors=errors, fields=fields, course=course
    )
    return page, 400 if errors else 200


def _attempt(action):
    """Run one creation service; its refusal or a slug taken meanwhile becomes the form's message."""
    try:
        return action(), []
    except EditError as error:
        db.session.rollback()
        return None, error.messages
    except IntegrityError:
        db.session.rollback()
        return None, [TAKEN]


@bp.route("/courses/new", methods=["GET", "POST"])
def new_course():
    form = NewCourseForm()
    errors: list[str] = []
    if request.method == "POST":
        if not form.validate():
            errors = _form_errors(form)
        else:
            draft = CourseDraft(
                slug=form.slug.data or "",
                title=form.title.data or "",
                subtitle=form.subtitle.data or "",
                summary=form.summary.data or "",
                access=form.access.data,
                price_cents=_cents(form.price.data),
                currency=form.currency.data or "",
            )
            course, errors = _attempt(lambda: create_course(current_user, draft))
            if course is not None:
                db.session.commit()
                flash(f"“{course.title}” is created as a draft. Add its first module.", "success")
                return redirect(url_for("authoring.new_module", course_slug=course.slug))
    fields = ["slug", "title", "subtitle", "summary", "access", "price", "currency"]
    return _page("New course", form, errors, fields)


@bp.route("/courses/<course_slug>/settings", methods=["GET", "POST"])
def course_settings(course_slug: str):
    course = load_course(course_slug)
    form = CourseSettingsForm(obj=course, data={"price": Decimal(course.price_cents) / 100})
    errors: list[str] = []
    if request.method == "POST":
        form = CourseSettingsForm()
        if not form.validate():
            errors = _form_errors(form)
        else:
            args = (form.title.data or "", form.subtitle.data or "", form.summary.data or "")
            done, errors = _attempt(
                lambda: update_course(current_user, course, *args, _cents(form.price.data)) or True
            )
            if done:
                db.session.commit()
                flash("Course saved.", "success")
                return redirect(url_for("authoring.home") + f"#course-{course.id}")
    fields = ["title", "subtitle", "summary"] + ([] if course.is_free else ["price"])
    return _page(f"Settings of “{course.title}”", form, errors, fields, course)


@bp.route("/courses/<course_slug>/modules/new", methods=["GET", "POST"])
def new_module(course_slug: str):
    course = load_course(course_slug)
    form = NewModuleForm()
    errors: list[str] = []
    if request.method == "POST":
        if not form.validate():
            errors = _form_errors(form)
        else:
            values = (form.slug.data or "", form.title.data or "", form.summary.data or "")
            module, errors = _attempt(lambda: create_module(current_user, course, *values))
            if module is not None:
                db.session.commit()
                flash(f"Module “{module.title}” is created as a draft. Add its first lesson.", "success")
                return redirect(
                    url_for("authoring.new_lesson", course_slug=course.slug, module_slug=module.slug)
                )
    return _page(f"New module in “{course.title}”", form, errors, ["slug", "title", "summary"], course)


@bp.route("/courses/<course_slug>/modules/<module_slug>/lessons/new", methods=["GET", "POST"])
def new_lesson(course_slug: str, module_slug: str):
    module = load_module(course_slug, module_slug)
    form = NewLessonForm()
    errors: list[str] = []
    if request.method == "POST":
        if not form.validate():
            errors = _form_errors(form)
        else:
            values = (form.slug.data or "", form.title.data or "", form.body.data or "")
            lesson, errors = _attempt(lambda: create_lesson(current_user, module, *values))
            if lesson is not None:
                db.session.commit()
                flash(f"Lesson “{lesson.title}” is created. Upload its video here.", "success")
                return redirect(
                    url_for("authoring.edit_lesson", course_slug=course_slug, lesson_slug=lesson.slug)
                )
    heading = f"New lesson in “{module.title}”"
    return _page(heading, form, errors, ["slug", "title", "body"], module.course)
