"""Malformed requests get a 4xx with a message and change nothing: each case once answered 500."""

from __future__ import annotations

import json

import pytest
from flask import url_for

from coursehub.accounts import tokens
from coursehub.accounts.models import User
from coursehub.core.extensions import db
from tests.factories import make_course, make_user
from tests.helpers import count_rows, csrf_token_from, page_text

FORM_PAGES = ("/login", "/signup", "/forgot-password", "/account/email", "/account/password")
JSON_BODIES = ("[1, 2]", '"abcd"', "5", '{"email": 5}')


@pytest.fixture
def signed_in(app, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    return user


def reset_path(app, user) -> str:
    with app.test_request_context():
        owner = db.session.get(User, user.id)
        token = tokens.issue(
            tokens.RESET_PASSWORD, {"uid": owner.id, "fp": tokens.fingerprint(owner.password_hash)}, 600
        )
        return url_for("accounts.reset_password", token=token)


@pytest.mark.parametrize("body", JSON_BODIES)
def test_json_sent_to_a_form_page_is_a_415_with_a_message(app, client, signed_in, body):
    for path in (*FORM_PAGES, reset_path(app, signed_in)):
        token = csrf_token_from(client.get(path, follow_redirects=True).get_data(as_text=True))
        response = client.post(
            path, data=body, content_type="application/json", headers={"X-CSRFToken": token}
        )
        assert response.status_code == 415, path
        assert response.get_json()["error"]["message"] == "This address accepts form data only."


def test_a_visitor_posting_json_to_sign_up_creates_nothing(app, client):
    token = csrf_token_from(client.get("/signup").get_data(as_text=True))
    body = json.dumps(
        {"email": "new@example.com", "display_name": "New", "password": "x" * 12, "confirm": "x" * 12}
    )
    response = client.post(
        "/signup", data=body, content_type="application/json", headers={"X-CSRFToken": token}
    )
    assert response.status_code == 415
    assert count_rows(app, User, email="new@example.com") == 0


@pytest.mark.parametrize(
    "path", ["/courses/%00", "/certificates/%00", "/courses/a%00b/lessons/x", "/courses/%01/modules/m/quiz"]
)
def test_a_control_character_in_the_path_is_a_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "We couldn't find that page" in page_text(response)


def test_nul_in_the_slug_of_buy_start_and_complete_is_a_404(client, signed_in, auth):
    token = auth.csrf_token("/account/password")
    for path in ("/courses/%00/buy", "/courses/%00/start", "/courses/x%00/lessons/y/complete"):
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path


def test_nul_in_a_query_value_is_a_400(client, signed_in):
    response = client.get("/checkout/success?session_id=%00")
    assert response.status_code == 400
    assert "characters that are not allowed" in page_text(response)


def test_nul_in_a_display_name_is_refused_and_creates_no_account(app, client):
    token = csrf_token_from(client.get("/signup").get_data(as_text=True))
    form = {"csrf_token": token, "email": "nul@example.com", "display_name": "a\x00b"}
    response = client.post("/signup", data={**form, "password": "p" * 12, "confirm": "p" * 12})
    assert response.status_code == 400
    assert "characters that are not allowed" in page_text(response)
    assert count_rows(app, User, email="nul@example.com") == 0


def test_a_non_ascii_video_signature_is_a_403(client):
    response = client.get("/media/lessons/1/video?expires=9999999999&signature=%C3%A9")
    assert response.status_code == 403
    assert "not valid" in page_text(response)


@pytest.mark.parametrize("expires", ["²", "9" * 5000])
def test_an_expiry_that_is_not_a_timestamp_is_a_403(client, expires):
    assert client.get(f"/media/lessons/1/video?expires={expires}&signature=ab").status_code == 403


def test_a_huge_lesson_id_is_a_404(client, signed_in, auth):
    token = auth.csrf_token("/account/password")
    response = client.post(
        "/api/lessons/99999999999999999999/progress",
        data={"csrf_token": token, "position": "1", "reported_at": "1"},
    )
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_a_huge_attempt_id_is_a_404(app, client, signed_in):
    course = make_course(app)
    response = client.get(f"/courses/{course.slug}/modules/module-1/quiz/attempts/99999999999999999999")
    assert response.status_code == 404


def test_cr_lf_in_next_after_log_in_goes_home_instead(app, client):
    user = make_user(app)
    path = "/login?next=/dashboard%0d%0aX-A:1"
    token = csrf_token_from(client.get(path).get_data(as_text=True))
    response = client.post(path, data={"csrf_token": token, "email": user.email, "password": user.password})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert "X-A" not in response.headers


def test_deeply_nested_json_is_a_400(app, client, signed_in, auth):
    course = make_course(app, free=True)
    token = auth.csrf_token("/account/password")
    body = '{"position": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = client.post(
        f"/api/lessons/{course.lesson_ids[0]}/progress",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400
    assert response.get_json()["error"]["message"] == "The JSON is nested too deeply."


def test_json_still_reaches_the_progress_api(app, client, signed_in, auth):
    course = make_course(app, free=True)
    token = auth.csrf_token("/account/password")
    response = client.post(
        f"/api/lessons/{course.lesson_ids[0]}/progress",
        json={"position": 12, "reported_at": 1000},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200 and response.get_json()["ok"] is True
