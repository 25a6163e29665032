"""Lesson video: signed, short-lived, bound to one user, checked against the access rule, seekable."""

import re
import time

import pytest

from coursehub.learning.media import media_url
from tests.factories import grant, make_course, make_user
from tests.helpers import AuthActions, page_text

CLIP = bytes(range(256)) * 64  # 16 KiB with a recognisable pattern


@pytest.fixture
def app_settings(tmp_path):
    (tmp_path / "clip.mp4").write_bytes(CLIP)
    return {"VIDEO_ROOT": str(tmp_path)}


@pytest.fixture
def course(app):
    return make_course(app, preview=(0,))


def video_url_on_page(client, course, index) -> str:
    body = page_text(client.get(f"/courses/{course.slug}/lessons/{course.lesson_slugs[index]}"))
    return re.search(r'<video[^>]* src="([^"]+)"', body).group(1)


def test_a_range_request_returns_206_with_exactly_those_bytes(client, course, learner):
    url = video_url_on_page(client, course, 1)
    with client.get(url, headers={"Range": "bytes=1000-1999"}) as response:
        assert response.status_code == 206
        assert response.headers["Content-Range"] == f"bytes 1000-1999/{len(CLIP)}"
        assert response.data == CLIP[1000:2000]
    with client.get(url) as whole:
        assert whole.status_code == 200 and whole.data == CLIP
        assert whole.headers["Accept-Ranges"] == "bytes"
        assert whole.mimetype == "video/mp4"
        assert "no-store" in whole.headers["Cache-Control"]


def test_an_expired_url_is_403(app, client, course, learner):
    with app.test_request_context():
        from coursehub.content.models import Lesson
        from coursehub.core.extensions import db

        url = media_url(
            db.session.get(Lesson, course.lesson_ids[1]),
            "video",
            learner_user(app, learner),
            now=time.time() - app.config["VIDEO_URL_TTL"] - 5,
        )
    response = client.get(url)
    assert response.status_code == 403
    assert "expired" in page_text(response)


def learner_user(app, record):
    from coursehub.accounts.models import User
    from coursehub.core.extensions import db

    return db.session.get(User, record.id)


def test_a_tampered_url_is_403(client, course, learner):
    url = video_url_on_page(client, course, 1)
    assert client.get(re.sub(r"signature=.{4}", "signature=0000", url)).status_code == 403
    assert client.get(re.sub(r"expires=\d+", f"expires={int(time.time()) + 99999}", url)).status_code == 403
    other_lesson = url.replace(f"/lessons/{course.lesson_ids[1]}/", f"/lessons/{course.lesson_ids[2]}/")
    assert client.get(other_lesson).status_code == 403


def test_a_url_made_for_one_learner_does_not_work_for_another(app, client, course, learner):
    url = video_url_on_page(client, course, 1)
    other = app.test_client()
    stranger = make_user(app)
    grant(app, stranger, course)
    AuthActions(other).login(stranger.email, stranger.password)
    assert other.get(url).status_code == 403
    assert app.test_client().get(url).status_code == 403  # nor for a visitor


def test_revoking_access_stops_a_url_already_handed_out(app, client, course, learner):
    url = video_url_on_page(client, course, 1)
    with app.app_context():
        from coursehub.core.extensions import db
        from coursehub.learning.models import Entitlement, EntitlementStatus

        db.session.query(Entitlement).update({"status": EntitlementStatus.REVOKED})
        db.session.commit()
    assert client.get(url).status_code == 403


def test_a_visitor_can_stream_a_preview(client, course):
    url = video_url_on_page(client, course, 0)
    with client.get(url, headers={"Range": "bytes=0-9"}) as response:
        assert response.status_code == 206 and response.data == CLIP[:10]


def test_a_missing_file_is_404_not_a_crash(app, client, course, learner, tmp_path):
    (tmp_path / "clip.mp4").unlink()
    assert client.get(video_url_on_page(client, course, 1)).status_code == 404


@pytest.mark.parametrize(
    "app_settings", [{"VIDEO_BASE_URL": "https://video.example.com", "VIDEO_URL_SECRET": "host-secret"}]
)
def test_with_a_video_host_the_app_signs_the_hosts_urls(app, client, course):
    import hashlib
    import hmac

    url = video_url_on_page(client, course, 0)
    match = re.fullmatch(r"https://video\.example\.com/clip\.mp4\?expires=(\d+)&token=([0-9a-f]{64})", url)
    assert match, url
    expires, token = match.groups()
    expected = hmac.new(b"host-secret", f"/clip.mp4:{expires}".encode(), hashlib.sha256).hexdigest()
    assert token == expected
    assert int(expires) > time.time()
    csp = client.get("/").headers["Content-Security-Policy"]
    assert "media-src 'self' https://video.example.com" in csp  # the browser may load from the host


def test_captions_get_a_track_and_are_served_as_webvtt(app, client, course, learner, tmp_path):
    (tmp_path / "clip.vtt").write_text("WEBVTT\n\n00:00.000 --> 00:02.000\nHello\n")
    with app.app_context():
        from coursehub.content.models import Lesson
        from coursehub.core.extensions import db

        db.session.get(Lesson, course.lesson_ids[1]).captions_ref = "clip.vtt"
        db.session.commit()
    body = page_text(client.get(f"/courses/{course.slug}/lessons/{course.lesson_slugs[1]}"))
    track = re.search(r'<track kind="captions" src="([^"]+)"', body).group(1)
    with client.get(track) as response:
        assert response.status_code == 200
        assert response.mimetype == "text/vtt"
        assert response.data.startswith(b"WEBVTT")
