"""Uploading a lesson's video and captions from its editor."""

from pathlib import Path

from flask import current_app, flash, redirect, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError, validate_csrf
from wtforms.validators import ValidationError

from coursehub.authoring import bp
from coursehub.authoring.forms import CaptionsForm, VideoForm
from coursehub.authoring.lesson_views import LESSON_URL, edit_form, edit_page, load_lesson
from coursehub.authoring.lessons import LessonConflict
from coursehub.authoring.media_upload import UploadError, attach_captions, attach_video
from coursehub.core.edge import raises_body_limit
from coursehub.core.extensions import csrf, db

# Room for the multipart envelope and the CSRF field around the file itself.
FORM_OVERHEAD_BYTES = 64 * 1024


def _refused(course_slug: str, lesson_slug: str, message: str, status: int):
    db.session.rollback()
    lesson = load_lesson(course_slug, lesson_slug)
    return edit_page(lesson, edit_form(lesson), status, upload_errors=[message])


def _done(course_slug: str, lesson_slug: str, message: str):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("authoring.edit_lesson", course_slug=course_slug, lesson_slug=lesson_slug))


@bp.post(LESSON_URL + "/video")
@csrf.exempt  # the global check would read the body under the 1 MiB limit; checked below instead
@raises_body_limit
def upload_video(course_slug: str, lesson_slug: str):
    """A video is larger than any other request, so this route alone raises the body limit."""
    limit = current_app.config["MAX_VIDEO_BYTES"]
    if (request.content_length or 0) > limit + FORM_OVERHEAD_BYTES:
        return _refused(
            course_slug, lesson_slug, f"The video is larger than the limit of {limit} bytes.", 413
        )
    request.max_content_length = limit + FORM_OVERHEAD_BYTES
    try:
        validate_csrf(request.form.get("csrf_token"))
    except ValidationError as error:
        raise CSRFError(error.args[0]) from None  # the same answer as every other form's
    lesson = load_lesson(course_slug, lesson_slug)
    form = VideoForm()
    if not form.validate():
        return _refused(course_slug, lesson_slug, _first_error(form), 400)
    upload = form.video.data
    try:
        attach_video(current_user, lesson, upload.filename or "", upload.stream, _video_root(), limit)
    except UploadError as error:
        return _refused(course_slug, lesson_slug, str(error), error.status)
    except LessonConflict:
        return _refused(
            course_slug, lesson_slug, "The lesson changed meanwhile; upload the video again.", 409
        )
    return _done(course_slug, lesson_slug, f"Video uploaded ({lesson.duration_seconds} seconds).")


@bp.post(LESSON_URL + "/captions")
def upload_captions(course_slug: str, lesson_slug: str):
    lesson = load_lesson(course_slug, lesson_slug)
    form = CaptionsForm()
    if not form.validate():
        return _refused(course_slug, lesson_slug, _first_error(form), 400)
    upload = form.captions.data
    try:
        attach_captions(current_user, lesson, upload.filename or "", upload.stream, _video_root())
    except UploadError as error:
        return _refused(course_slug, lesson_slug, str(error), error.status)
    except LessonConflict:
        return _refused(
            course_slug, lesson_slug, "The lesson changed meanwhile; upload the captions again.", 409
        )
    return _done(course_slug, lesson_slug, "Captions uploaded.")


def _video_root() -> Path:
    return Path(current_app.config["VIDEO_ROOT"])


def _first_error(form: FlaskForm) -> str:
    for errors in form.errors.values():
        return " ".join(errors)
    return "The upload was incomplete. Reload the page and try again."
