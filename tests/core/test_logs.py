"""Structured request logs: one JSON line per request, with a request id that the response carries too."""

import json
import logging

import pytest

from coursehub.core.logs import REDACTED, JsonFormatter
from tests.factories import make_user


@pytest.fixture
def log_lines(caplog):
    """The JSON lines CourseHub wrote during the test, parsed."""
    caplog.set_level(logging.INFO, logger="coursehub")
    formatter = JsonFormatter()

    def lines(message: str | None = None) -> list[dict]:
        parsed = [json.loads(formatter.format(record)) for record in caplog.records]
        return [line for line in parsed if message is None or line["message"] == message]

    return lines


def test_each_request_writes_one_line_with_the_id_it_answers_with(client, log_lines):
    response = client.get("/healthz?probe=secret-query")
    [line] = log_lines("request")
    assert response.headers["X-Request-ID"] == line["request_id"]
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["duration_ms"] >= 0 and line["user_id"] is None
    assert "secret-query" not in json.dumps(line)


def test_a_well_formed_request_id_is_kept_and_a_bad_one_replaced(client, log_lines):
    kept = client.get("/healthz", headers={"X-Request-ID": "lb-7f3a2c9e-0001"})
    replaced = client.get("/healthz", headers={"X-Request-ID": 'x" {"level": "error"} ' + "a" * 200})
    assert kept.headers["X-Request-ID"] == "lb-7f3a2c9e-0001"
    assert replaced.headers["X-Request-ID"].isalnum() and len(replaced.headers["X-Request-ID"]) == 32
    assert [line["request_id"] for line in log_lines("request")] == [
        "lb-7f3a2c9e-0001",
        replaced.headers["X-Request-ID"],
    ]


def test_the_line_names_the_logged_in_user(app, auth, client, log_lines):
    user = make_user(app)
    auth.login(user.email, user.password)
    client.get("/account")
    assert log_lines("request")[-1]["user_id"] == user.id


def test_tokens_in_paths_are_redacted(client, log_lines):
    token = "eyJ1aWQiOjQyfQ.Z3x9Aw.kP2vYx81nQmR4tLw0aZc7"
    client.get(f"/reset-password/{token}")
    client.get(f"/no-such-page/{token}")
    client.get("/courses/pelvic-torsion-basics-2024-edition-01")
    paths = [line["path"] for line in log_lines("request")]
    assert paths == [
        f"/reset-password/{REDACTED}",
        f"/no-such-page/{REDACTED}",
        "/courses/pelvic-torsion-basics-2024-edition-01",
    ]


def test_errors_answered_early_still_get_an_id(client, log_lines):
    response = client.post("/login", data={"email": "a@example.com"})  # no CSRF token
    assert response.status_code == 400
    assert response.headers["X-Request-ID"] == log_lines("request")[-1]["request_id"]


def test_a_card_like_number_in_a_path_is_redacted(client, log_lines):
    client.get("/api/lessons/4242424242424242/progress")
    client.get("/courses/4242-4242-4242-4242")
    paths = [line["path"] for line in log_lines("request")]
    assert paths == [f"/api/lessons/{REDACTED}/progress", f"/courses/{REDACTED}"]


def test_a_token_inside_a_path_segment_is_redacted(client, log_lines):
    client.get("/practice/feed/sample-token.ics")
    assert [line["path"] for line in log_lines("request")] == [f"/practice/feed/{REDACTED}"]
