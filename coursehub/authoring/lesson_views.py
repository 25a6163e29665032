"""Editing a lesson: the form with its live preview, the history with diffs, and restoring a revision."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from coursehub.authoring import bp
from coursehub.authoring.forms import CaptionsForm, LessonForm, RestoreForm, VideoForm
from coursehub.authoring.lessons import (
    EditError,
    LessonConflict,
    LessonDraft,
    restore_revision,
    revision_diff,
    revisions_of,
    routine_text,
    save_lesson,
)
from coursehub.authoring.views import load_course
from coursehub.content.markdown import markdown_problems, render_markdown
from coursehub.content.models import Lesson
from coursehub.content.revisions import LessonRevision
from coursehub.core.extensions import db

LESSON_URL = "/courses/<course_slug>/lessons/<lesson_slug>"
MAX_PREVIEW_CHARS = 100_000


def load_lesson(course_slug: str, lesson_slug: str) -> Lesson:
    course = load_course(course_slug)
    lesson = db.session.scalar(
        select(Lesson).where(
            Lesson.course_id == course.id, Lesson.slug == lesson_slug, Lesson.archived_at.is_(None)
        )
    )
    if lesson is None:
        abort(404)
    return lesson


def edit_page(
    lesson: Lesson, form: LessonForm, status: int = 200, errors=(), conflict=None, upload_errors=()
):
    body = form.body.data or ""
    return render_template(
        "authoring/lesson_edit.html",
        lesson=lesson,
        course=lesson.course,
        form=form,
        errors=errors,
        upload_errors=upload_errors,
        video_form=VideoForm(formdata=None),
        captions_form=CaptionsForm(formdata=None),
        conflict=conflict,
        preview_html=render_markdown(body),
        preview_problems=markdown_problems(body),
    ), status


def edit_form(lesson: Lesson) -> LessonForm:
    """The form filled from the lesson as saved (never from the request, which may be an upload)."""
    return LessonForm(
        formdata=None,
        data={
            "title": lesson.title,
            "slug": lesson.slug,
            "preview": lesson.is_preview,
            "routine": routine_text(lesson.routine),
            "body": lesson.body_markdown,
            "version": lesson.version,
        },
    )


@bp.get(LESSON_URL + "/edit")
def edit_lesson(course_slug: str, lesson_slug: str):
    lesson = load_lesson(course_slug, lesson_slug)
    return edit_page(lesson, edit_form(lesson))


@bp.post(LESSON_URL + "/edit")
def save_lesson_view(course_slug: str, lesson_slug: str):
    """Save, or (the no-JavaScript "Preview" button) show the rendered text without saving."""
    lesson = load_lesson(course_slug, lesson_slug)
    form = LessonForm()
    if not form.validate():
        messages = [f"{form[name].label.text}: {' '.join(errs)}" for name, errs in form.errors.items()]
        return edit_page(lesson, form, 400, messages)
    if request.form.get("action") == "preview":
        return edit_page(lesson, form)
    draft = LessonDraft(
        title=form.title.data or "",
        slug=form.slug.data or "",
        preview=form.preview.data,
        routine_text=form.routine.data or "",
        body=form.body.data or "",
    )
    try:
        revision = save_lesson(
            current_user, lesson, draft, form.version.data, form.note.data or "", form.requires_rewatch.data
        )
    except LessonConflict as conflict:
        db.session.rollback()
        lesson = load_lesson(course_slug, lesson_slug)
        return edit_page(lesson, form, 409, conflict=conflict.revision or True)
    except EditError as error:
        return edit_page(lesson, form, 400, error.messages)
    db.session.commit()
    flash(f"Saved as revision {revision.number}.", "success")
    return redirect(url_for("authoring.edit_lesson", course_slug=course_slug, lesson_slug=lesson.slug))


@bp.post("/preview")
def preview_markdown():
    """The live preview: the same Markdown rendering and sanitising learners get, and the same warnings."""
    text = request.form.get("body", "")[:MAX_PREVIEW_CHARS]
    return render_template(
        "authoring/_preview.html", html=render_markdown(text), problems=markdown_problems(text)
    )


@bp.get(LESSON_URL + "/history")
def lesson_history(course_slug: str, lesson_slug: str):
    lesson = load_lesson(course_slug, lesson_slug)
    revisions = revisions_of(lesson)
    diffs = {
        revision.id: revision_diff(revisions[index + 1] if index + 1 < len(revisions) else None, revision)
        for index, revision in enumerate(revisions)
    }
    return render_template(
        "authoring/lesson_history.html",
        lesson=lesson,
        course=lesson.course,
        revisions=revisions,
        diffs=diffs,
        form=RestoreForm(data={"version": lesson.version}),
    )


@bp.post(LESSON_URL + "/revisions/<int:number>/restore")
def restore_lesson(course_slug: str, lesson_slug: str, number: int):
    lesson = load_lesson(course_slug, lesson_slug)
    revision = db.session.scalar(
        select(LessonRevision).where(LessonRevision.lesson_id == lesson.id, LessonRevision.number == number)
    )
    form = RestoreForm()
    if revision is None:
        abort(404)
    if not form.validate():
        abort(400, "The form is incomplete. Reload the history and try again.")
    try:
        restored = restore_revision(current_user, lesson, revision, form.version.data)
    except LessonConflict:
        db.session.rollback()
        abort(409, "The lesson changed since you opened its history. Reload it and try again.")
    except EditError as error:
        abort(400, "This revision can't be restored as it is: " + "; ".join(error.messages))
    db.session.commit()
    flash(f"Revision {number} restored as revision {restored.number}.", "success")
    return redirect(url_for("authoring.lesson_history", course_slug=course_slug, lesson_slug=lesson.slug))
