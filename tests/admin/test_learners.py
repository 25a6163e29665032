"""The learner pages: search, the record, and support actions that each leave a reason in the audit log."""

import re

from sqlalchemy import select

from coursehub.core.audit import AuditEntry
from coursehub.core.extensions import db
from tests.factories import make_user
from tests.helpers import AuthActions, csrf_token_from, lesson_url, page_text


def post_from(admin_client, user_id: int, path: str, **data):
    token = csrf_token_from(admin_client.get(f"/admin/learners/{user_id}").get_data(as_text=True))
    return admin_client.post(f"/admin/learners/{user_id}/{path}", data={"csrf_token": token, **data})


def test_search_finds_learners_by_email_or_name(app, admin_client):
    make_user(app, email="maria.lopez@example.com", display_name="Maria Lopez")
    make_user(app, email="other@example.com", display_name="Jon Smith")
    by_name = page_text(admin_client.get("/admin/learners?q=LOPEZ"))
    assert "maria.lopez@example.com" in by_name and "other@example.com" not in by_name
    by_email = page_text(admin_client.get("/admin/learners?q=other@"))
    assert "Jon Smith" in by_email and "Maria Lopez" not in by_email


def test_grant_and_revoke_need_a_reason_and_are_audited(app, client, admin, admin_client, course):
    learner = make_user(app)
    AuthActions(client).login(learner.email, learner.password)
    refused = post_from(admin_client, learner.id, "access/grant", course=course.slug, reason=" ")
    assert refused.status_code == 400 and "Give a reason." in page_text(refused)
    assert client.get(lesson_url(course)).status_code == 403
    granted = post_from(admin_client, learner.id, "access/grant", course=course.slug, reason="scholarship")
    assert granted.status_code == 303
    assert client.get(lesson_url(course)).status_code == 200
    post_from(admin_client, learner.id, "access/revoke", course=course.slug, reason="scholarship ended")
    assert client.get(lesson_url(course)).status_code == 403
    page = page_text(admin_client.get(f"/admin/learners/{learner.id}"))
    assert "scholarship ended" in page and "standing" in page
    with app.app_context():
        actions = db.session.execute(
            select(AuditEntry.action, AuditEntry.actor).order_by(AuditEntry.id)
        ).all()
    assert [a for a, _ in actions] == ["access.grant", "access.revoke"]
    assert {actor for _, actor in actions} == {admin.email}


def test_disabling_ends_the_learners_session_and_enabling_lets_them_back(app, client, admin_client):
    learner = make_user(app)
    AuthActions(client).login(learner.email, learner.password)
    assert post_from(admin_client, learner.id, "disable", reason="abusive messages").status_code == 303
    assert client.get("/account").status_code == 302
    assert AuthActions(client).login(learner.email, learner.password).status_code == 403
    assert post_from(admin_client, learner.id, "enable", reason="apologised").status_code == 303
    assert AuthActions(client).login(learner.email, learner.password).status_code == 302
    audit = page_text(admin_client.get("/admin/audit"))
    assert "abusive messages" in audit and "apologised" in audit
    assert re.search(rf'href="/admin/learners/{learner.id}">user #{learner.id}', audit)


def test_resend_verification_mails_a_new_link(app, admin_client, mailbox):
    learner = make_user(app, verified=False)
    response = post_from(admin_client, learner.id, "resend-verification")
    assert response.status_code == 303
    assert any(
        message["Subject"] == "Confirm your email for CourseHub" for message in mailbox.to(learner.email)
    )


def test_unknown_learners_and_verbs_are_404(admin_client):
    assert admin_client.get("/admin/learners/99999999999").status_code == 404
    assert admin_client.get("/admin/learners/2147483647").status_code == 404
