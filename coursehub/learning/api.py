"""The JSON endpoint the lesson page's script reports playback to (every 15 s, on pause, on leaving)."""

import math

from flask import request
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import defer, joinedload

from coursehub.content.models import Lesson
from coursehub.core.database import skip_waiting_for_disk
from coursehub.core.edge import accepts_json
from coursehub.core.errors import json_error
from coursehub.core.extensions import db
from coursehub.learning import bp
from coursehub.learning.access import CourseAccess
from coursehub.learning.completion import finish_if_complete
from coursehub.learning.progress import ProgressError, check_position, record_heartbeat

MAX_CLIENT_MS = 2**53  # a JavaScript Date.now() fits; anything larger is not a timestamp


def _report() -> dict:
    """The report as sent: a JSON body (fetch) or a form body (navigator.sendBeacon)."""
    if request.is_json:
        body = request.get_json(silent=True)
        return body if isinstance(body, dict) else {}
    return request.form.to_dict()


def _number(value):
    """Form bodies carry text; JSON carries numbers. Both reach check_position as a number or None."""
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return value


@bp.post("/api/lessons/<int:lesson_id>/progress")
@accepts_json
@login_required
def report_progress(lesson_id: int):
    lesson = db.session.scalar(
        select(Lesson)
        .where(Lesson.id == lesson_id)
        # The access rule reads the course and the module; a report never needs the lesson's text.
        .options(
            joinedload(Lesson.course),
            joinedload(Lesson.module),
            defer(Lesson.body_markdown),
            defer(Lesson.body_html),
        )
    )
    access = CourseAccess(current_user, lesson.course) if lesson is not None else None
    if access is None or not access.can_view(lesson):
        return json_error(403, "forbidden", "You can't record progress on this lesson.")
    report = _report()
    try:
        position = check_position(lesson, _number(report.get("position")))
    except ProgressError as error:
        return json_error(400, "invalid_position", str(error))
    reported_at = _client_ms(_number(report.get("reported_at")))
    if reported_at is None:
        return json_error(400, "invalid_reported_at", "reported_at must be the client's time in milliseconds")
    just_completed = record_heartbeat(
        current_user, lesson, position, reported_at, enrollment=access.enrollment
    )
    certificate = finish_if_complete(current_user, lesson.course) if just_completed else None
    if not just_completed:  # a completion (and its certificate) is kept as durably as anything else
        skip_waiting_for_disk()
    db.session.commit()
    return {"ok": True, "just_completed": just_completed, "certificate_issued": certificate is not None}


def _client_ms(value) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value) if 0 <= value < MAX_CLIENT_MS else None
