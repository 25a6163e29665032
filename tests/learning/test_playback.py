"""The player's extras on the page: speed and skip controls, and a transcript from the captions file."""

import pytest

from coursehub.content.models import Lesson
from coursehub.core.extensions import db
from coursehub.learning.captions import parse_vtt
from tests.factories import make_course
from tests.helpers import lesson_url, page_text

VTT = """WEBVTT

NOTE not a cue

intro
00:00:01.000 --> 00:00:04.000 align:start
<v Therapist>Lie on your back</v> & relax.

01:02:05.500 --> 01:02:09.000
Second cue,
on two lines.

00:00:09.000 --> broken
"""


@pytest.fixture
def app_settings(tmp_path):
    (tmp_path / "clip.vtt").write_text(VTT, encoding="utf-8")
    return {"VIDEO_ROOT": str(tmp_path)}


@pytest.fixture
def course(app):
    course = make_course(app, preview=())
    with app.app_context():
        db.session.get(Lesson, course.lesson_ids[0]).captions_ref = "clip.vtt"
        db.session.commit()
    return course


def test_vtt_cues_are_read_with_their_start_and_text_only():
    cues = parse_vtt(VTT)
    assert [(cue.start_seconds, cue.text) for cue in cues] == [
        (1, "Lie on your back & relax."),
        (3725, "Second cue, on two lines."),
    ]
    assert cues[1].clock == "62:05"


def test_a_lesson_with_captions_shows_a_transcript_whose_times_are_links_into_the_video(
    learner, auth, course
):
    body = page_text(auth.client.get(lesson_url(course, 0)))
    assert "<summary>Transcript</summary>" in body
    assert f'href="{lesson_url(course, 0)}?t=1" data-seek="1">0:01</a> Lie on your back &amp; relax.' in (
        auth.client.get(lesson_url(course, 0)).get_data(as_text=True)
    )
    assert "data-speed" in body and 'data-captions aria-pressed="true"' in body


def test_a_lesson_without_captions_has_speed_controls_but_no_transcript_or_captions_button(
    learner, auth, course
):
    body = page_text(auth.client.get(lesson_url(course, 1)))
    assert "data-speed" in body and "Transcript" not in body and "data-captions" not in body


def test_captions_outside_the_video_root_are_never_read(app, learner, auth, course):
    with app.app_context():
        db.session.get(Lesson, course.lesson_ids[0]).captions_ref = "../../../../etc/passwd"
        db.session.commit()
    assert "Transcript" not in page_text(auth.client.get(lesson_url(course, 0)))
