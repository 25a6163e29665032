"""Short-lived signed URLs for lesson video and captions, and the route that serves them.

A URL names the lesson, the file kind, the user it was made for and its expiry, signed with HMAC. The
route checks the signature, the expiry, that the requester is that user, and the access rule again (so
revoking access stops playback at once), then sends the file with HTTP Range support for seeking.

With ``VIDEO_BASE_URL`` set (production: object storage or a video host), video URLs point there
instead, signed as ``<base>/<ref>?expires=<unix>&token=<hex HMAC-SHA256 of "/<ref>:<expires>">`` with
``VIDEO_URL_SECRET``; the host verifies the same HMAC (e.g. a CDN edge function or nginx).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from pathlib import Path

from flask import abort, current_app, request, send_file, url_for
from flask_login import current_user

from coursehub.content.models import Lesson
from coursehub.core.extensions import db
from coursehub.learning import bp
from coursehub.learning.access import can_view_lesson

EXPIRES_PATTERN = re.compile(r"[0-9]{1,12}")  # a Unix time in ASCII digits, not any Unicode digit
KINDS = {"video": ("video_ref", "video/mp4"), "captions": ("captions_ref", "text/vtt")}


def _user_key(user) -> int:
    return user.id if getattr(user, "is_authenticated", False) else 0


def _sign(message: str, secret: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def _local_secret() -> str:
    return "media:" + current_app.config["SECRET_KEY"]


def media_url(lesson: Lesson, kind: str, user, now: float | None = None) -> str | None:
    """A URL the browser can fetch for ``kind`` of ``lesson`` until it expires; None if there is none."""
    ref = getattr(lesson, KINDS[kind][0])
    if not ref:
        return None
    expires = int((time.time() if now is None else now) + current_app.config["VIDEO_URL_TTL"])
    base = current_app.config["VIDEO_BASE_URL"]
    if base and kind == "video":
        token = _sign(f"/{ref}:{expires}", current_app.config["VIDEO_URL_SECRET"])
        return f"{base.rstrip('/')}/{ref}?expires={expires}&token={token}"
    signature = _sign(f"{lesson.id}:{kind}:{_user_key(user)}:{expires}", _local_secret())
    return url_for("learning.media", lesson_id=lesson.id, kind=kind, expires=expires, signature=signature)


def _check_signature(lesson_id: int, kind: str) -> None:
    """:raise 403: for a missing, tampered, expired or someone else's URL."""
    expires, signature = request.args.get("expires", ""), request.args.get("signature", "")
    if not EXPIRES_PATTERN.fullmatch(expires) or int(expires) < time.time():
        abort(403, "This video link has expired. Reload the lesson page to get a new one.")
    expected = _sign(f"{lesson_id}:{kind}:{_user_key(current_user)}:{expires}", _local_secret())
    # As bytes: compare_digest refuses non-ASCII str, and a forged link must be a 403, not a crash.
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        abort(403, "This video link is not valid for you. Reload the lesson page.")


@bp.get("/media/lessons/<int:lesson_id>/<kind>")
def media(lesson_id: int, kind: str):
    if kind not in KINDS:
        abort(404)
    _check_signature(lesson_id, kind)
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or not can_view_lesson(current_user, lesson):
        abort(403)
    attribute, mimetype = KINDS[kind]
    root = Path(current_app.config["VIDEO_ROOT"]).resolve()
    path = (root / getattr(lesson, attribute)).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mimetype, conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response
