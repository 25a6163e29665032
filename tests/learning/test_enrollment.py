"""Starting the free course, granting and revoking by hand, and what progress survives."""

import re

import pytest

from coursehub.learning.models import Enrollment, Entitlement
from tests.factories import make_course, make_user
from tests.helpers import count_rows, lesson_url, page_text


def test_one_click_starts_the_free_course(app, auth):
    free = make_course(app, free=True, preview=())
    user = make_user(app)
    auth.login(user.email, user.password)
    response = auth.post(f"/courses/{free.slug}/start", form_page=f"/courses/{free.slug}")
    assert response.headers["Location"] == lesson_url(free)
    auth.post(f"/courses/{free.slug}/start", form_page=f"/courses/{free.slug}")  # a double click
    assert count_rows(app, Enrollment, user_id=user.id) == 1
    assert count_rows(app, Entitlement, user_id=user.id) == 1


def test_a_paid_course_cannot_be_started_for_free(app, auth):
    paid = make_course(app)
    user = make_user(app)
    auth.login(user.email, user.password)
    response = auth.post(f"/courses/{paid.slug}/start", form_page=f"/courses/{paid.slug}")
    assert response.status_code == 409
    assert "opens when you buy it" in page_text(response)
    assert count_rows(app, Entitlement, user_id=user.id) == 0


def test_grant_opens_the_course_and_revoke_closes_it_keeping_progress(app, runner, auth):
    paid = make_course(app, preview=())
    user = make_user(app)
    granted = runner.invoke(args=["access", "grant", user.email, paid.slug, "--reason", "comp"])
    assert granted.exit_code == 0 and "can now open" in granted.output
    auth.login(user.email, user.password)
    auth.post(f"{lesson_url(paid)}/complete", {"done": "1"}, form_page=lesson_url(paid))

    revoked = runner.invoke(args=["access", "revoke", user.email, paid.slug, "--reason", "refund"])
    assert revoked.exit_code == 0 and "can no longer open" in revoked.output
    assert auth.client.get(lesson_url(paid)).status_code == 403

    runner.invoke(args=["access", "grant", user.email, paid.slug, "--reason", "restored"])
    body = page_text(auth.client.get(f"/courses/{paid.slug}"))
    assert re.search(r"<strong>33%</strong> complete", body)  # 1 of 3 lessons, as before
    assert "1 of 3 lessons complete (33%)" in body  # and the module's own share


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["access", "grant", "nobody@example.com", "x", "--reason", "r"],
            "no account uses nobody@example.com",
        ),
        (["access", "grant", "{email}", "no-such-course", "--reason", "r"], "no course 'no-such-course'"),
        (["access", "grant", "{email}", "{course}"], "Missing option '--reason'"),
        (["access", "grant", "{email}", "{course}", "--reason", " "], "Give a reason"),
    ],
)
def test_access_commands_refuse_bad_input_with_exit_2_and_one_line(app, runner, args, message):
    user, course = make_user(app), make_course(app)
    args = [a.format(email=user.email, course=course.slug) for a in args]
    result = runner.invoke(args=args)
    assert result.exit_code == 2
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_mark_complete_and_undo(app, auth):
    free = make_course(app, free=True, preview=())
    user = make_user(app)
    auth.login(user.email, user.password)
    done = auth.post(
        f"{lesson_url(free)}/complete", {"done": "1"}, form_page=lesson_url(free), follow_redirects=True
    )
    assert "Marked complete." in page_text(done) and "Mark as not complete" in page_text(done)
    undone = auth.post(
        f"{lesson_url(free)}/complete", {"done": "0"}, form_page=lesson_url(free), follow_redirects=True
    )
    assert "Marked as not complete." in page_text(undone)
    assert ">Mark complete<" in page_text(undone)


def test_mark_complete_on_a_locked_lesson_is_403(app, auth):
    paid = make_course(app, preview=(0,))
    user = make_user(app)
    auth.login(user.email, user.password)
    response = auth.post(f"{lesson_url(paid, 1)}/complete", {"done": "1"}, form_page=lesson_url(paid, 0))
    assert response.status_code == 403


def test_watching_a_free_preview_does_not_enroll(app, auth):
    paid = make_course(app, preview=(0,))
    user = make_user(app)
    auth.login(user.email, user.password)
    assert auth.client.get(lesson_url(paid)).status_code == 200
    assert count_rows(app, Enrollment, user_id=user.id) == 0
    assert paid.slug not in page_text(auth.client.get("/dashboard"))
