"""Uploading a lesson's video and captions: checked before anything is kept, duration read from the file."""

import io
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from coursehub.content.models import Lesson
from coursehub.content.revisions import LessonRevision
from coursehub.core.extensions import db
from coursehub.core.paths import PROJECT_ROOT
from tests.factories import make_user
from tests.helpers import count_rows, csrf_token_from, page_text

# A real MP4 from the demo media; its course file gives its length (660 s), written down independently.
DEMO_VIDEO = PROJECT_ROOT / "media/demo/stretching-blueprint/adductors-and-abductors.mp4"
DEMO_SECONDS = 660
LIMIT = 500_000  # bytes: the demo video (about 411 kB) fits, the oversized uploads do not
CAPTIONS = (
    b"WEBVTT\n\nNOTE spoken text\n\nintro\n00:00:01.000 --> 00:00:04.500\nLie on your back.\n\n"
    b"00:04.500 --> 00:09.000 line:90%\nBreathe out.\n"
)


@pytest.fixture
def app_settings(tmp_path):
    return {"VIDEO_ROOT": str(tmp_path / "videos"), "MAX_VIDEO_BYTES": LIMIT}


def stored_files(app) -> list[Path]:
    root = Path(app.config["VIDEO_ROOT"])
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


def lesson_row(app, course, slug="lesson-1") -> Lesson:
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.course_id == course.id, Lesson.slug == slug))
        db.session.expunge(lesson)
        return lesson


def post_files(client, path, fields: dict, files: dict):
    """A multipart POST encoded up front (the test client would spool a large body to an unclosed
    temporary file when the app refuses it unread)."""
    body = encode_multipart({**fields, **{k: FileStorage(io.BytesIO(c), n) for k, (c, n) in files.items()}})
    boundary, data = body
    return client.post(path, data=data, content_type=f"multipart/form-data; boundary={boundary}")


def upload(client, course, kind, content: bytes, filename: str, slug="lesson-1", **extra):
    page = client.get(f"/author/courses/{course.slug}/lessons/{slug}/edit").get_data(as_text=True)
    fields = {"csrf_token": csrf_token_from(page), **extra}
    path = f"/author/courses/{course.slug}/lessons/{slug}/{kind}"
    return post_files(client, path, fields, {kind: (content, filename)})


def test_a_real_mp4_is_kept_with_the_duration_read_from_the_file(app, auth, author, course):
    before = lesson_row(app, course)
    response = upload(auth.client, course, "video", DEMO_VIDEO.read_bytes(), "Take 3.MP4", duration="5")
    assert response.status_code == 302
    lesson = lesson_row(app, course)
    assert lesson.duration_seconds == DEMO_SECONDS  # the form's "duration" is ignored
    assert lesson.video_ref == f"{course.slug}/lesson-1.mp4" and lesson.version == before.version + 1
    assert stored_files(app) == [Path(app.config["VIDEO_ROOT"]) / course.slug / "lesson-1.mp4"]
    assert stored_files(app)[0].read_bytes() == DEMO_VIDEO.read_bytes()
    with app.app_context():
        notes = db.session.scalars(
            select(LessonRevision.note)
            .where(LessonRevision.lesson_id == lesson.id)
            .order_by(LessonRevision.number)
        ).all()
    assert notes == ["as it was before the first edit in the studio", "new video (11:00)"]
    assert "Video uploaded (660 seconds)" in page_text(auth.client.get(response.location))


def assert_nothing_changed(app, course, before: Lesson) -> None:
    after = lesson_row(app, course)
    assert (after.video_ref, after.duration_seconds, after.captions_ref, after.version) == (
        before.video_ref,
        before.duration_seconds,
        before.captions_ref,
        before.version,
    )
    assert stored_files(app) == []
    assert count_rows(app, LessonRevision) == 0


def test_a_text_file_renamed_to_mp4_is_refused_and_nothing_is_kept(app, auth, author, course):
    before = lesson_row(app, course)
    response = upload(auth.client, course, "video", b"just some notes, not a video\n" * 50, "lesson.mp4")
    assert response.status_code == 400
    assert "This is not an MP4 video" in page_text(response)
    assert_nothing_changed(app, course, before)


def test_a_file_that_is_not_named_mp4_is_refused(app, auth, author, course):
    before = lesson_row(app, course)
    response = upload(auth.client, course, "video", DEMO_VIDEO.read_bytes(), "lesson.mov")
    assert response.status_code == 400 and "as an .mp4 file" in page_text(response)
    assert_nothing_changed(app, course, before)


@pytest.mark.parametrize(
    "size",
    [
        LIMIT + 20_000,  # the request's length is within the envelope's slack: caught while copying
        4 * LIMIT,  # the request's announced length is already too large: refused before reading it
    ],
)
def test_an_oversized_video_is_refused_and_nothing_is_kept(app, auth, author, course, size):
    before = lesson_row(app, course)
    content = DEMO_VIDEO.read_bytes() + b"\0" * (size - DEMO_VIDEO.stat().st_size)
    response = upload(auth.client, course, "video", content, "lesson.mp4")
    assert response.status_code == 413
    assert "larger than the limit" in page_text(response)
    assert_nothing_changed(app, course, before)


def test_an_upload_without_the_csrf_token_is_refused(app, auth, author, course):
    before = lesson_row(app, course)
    path = f"/author/courses/{course.slug}/lessons/lesson-1/video"
    response = post_files(auth.client, path, {}, {"video": (DEMO_VIDEO.read_bytes(), "lesson.mp4")})
    assert response.status_code == 400 and "Your form expired" in page_text(response)
    assert_nothing_changed(app, course, before)


def test_a_learner_cannot_upload(app, auth, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    path = f"/author/courses/{course.slug}/lessons/lesson-1/video"
    response = post_files(auth.client, path, {}, {"video": (b"x", "lesson.mp4")})
    assert response.status_code == 403
    assert stored_files(app) == []


def test_captions_are_kept_and_named_on_the_lesson(app, auth, author, course):
    response = upload(auth.client, course, "captions", CAPTIONS, "lesson-1.vtt")
    assert response.status_code == 302
    lesson = lesson_row(app, course)
    assert lesson.captions_ref == f"{course.slug}/lesson-1.vtt"
    assert (Path(app.config["VIDEO_ROOT"]) / lesson.captions_ref).read_bytes() == CAPTIONS
    assert count_rows(app, LessonRevision, note="new captions") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"WEBVTT\n\n00:00:01.000 -> 00:00:04.000\nA broken arrow\n", "line 3: a cue timing looks like"),
        (b"WEBVTT\n\n00:00:05.000 --> 00:00:04.000\nBackwards\n", "line 3: the cue ends before it starts"),
        (
            b"1\n00:00:01,000 --> 00:00:04,000\nAn SRT file\n",
            "line 1: a WebVTT file starts with the line WEBVTT",
        ),
        (b"WEBVTT\n\n00:09:00.000 --> 00:09:04.000\nLate\n", "the cue ends after the video does (300 s)"),
        (b"\xff\xfeW\x00E\x00", "not UTF-8 text"),
    ],
)
def test_broken_captions_are_refused_with_the_line_and_nothing_is_kept(
    app, auth, author, course, content, message
):
    before = lesson_row(app, course)
    response = upload(auth.client, course, "captions", content, "lesson-1.vtt")
    assert response.status_code == 400
    assert message in page_text(response)
    assert_nothing_changed(app, course, before)
