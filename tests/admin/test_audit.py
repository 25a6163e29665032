"""The audit log: written by admin actions and their shell equivalents, and never rewritten."""

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from coursehub.accounts.models import User
from coursehub.core.audit import AuditEntry, record_audit
from coursehub.core.extensions import db
from tests.factories import make_user
from tests.helpers import AuthActions


def entries(app) -> list[tuple[str, str, int, str]]:
    with app.app_context():
        return [
            (e.action, e.target_type, e.target_id, e.reason)
            for e in db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
        ]


@pytest.mark.parametrize(
    "statement",
    [update(AuditEntry).values(reason="rewritten"), delete(AuditEntry)],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_delete_an_entry(app, statement):
    with app.app_context():
        record_audit("ada@example.com", "user.disable", ("user", 1), "spam")
        db.session.commit()
        with pytest.raises(DBAPIError, match="append-only"), db.session.begin_nested():
            db.session.execute(statement)
        assert db.session.scalar(select(AuditEntry.reason)) == "spam"


def test_disabling_from_the_shell_ends_sessions_blocks_log_in_and_is_audited(app, client, runner):
    user = make_user(app)
    auth = AuthActions(client)
    auth.login(user.email, user.password)
    assert client.get("/account").status_code == 200
    result = runner.invoke(args=["users", "disable", user.email, "--reason", "chargeback fraud"])
    assert result.exit_code == 0, result.output
    assert client.get("/account").status_code == 302  # the session is over
    refused = auth.login(user.email, user.password)
    assert refused.status_code == 403
    assert "This account has been disabled" in refused.get_data(as_text=True)
    assert entries(app)[-1] == ("user.disable", "user", user.id, "chargeback fraud")
    assert runner.invoke(args=["users", "enable", user.email, "--reason", "cleared"]).exit_code == 0
    assert auth.login(user.email, user.password).status_code == 302
    assert entries(app)[-1] == ("user.enable", "user", user.id, "cleared")


def test_a_wrong_password_for_a_disabled_account_says_nothing_about_it(app, client, runner):
    user = make_user(app)
    runner.invoke(args=["users", "disable", user.email, "--reason", "spam"])
    refused = AuthActions(client).login(user.email, "not the password at all")
    assert "disabled" not in refused.get_data(as_text=True)


def test_role_changes_and_shell_grants_are_audited_with_who_and_why(app, runner, course):
    user = make_user(app)
    runner.invoke(args=["users", "set-role", user.email, "author", "--reason", "writes the new course"])
    runner.invoke(args=["access", "grant", user.email, course.slug, "--reason", "comp for a podcast"])
    runner.invoke(args=["access", "revoke", user.email, course.slug, "--reason", "podcast cancelled"])
    assert entries(app)[-3:] == [
        ("user.role", "user", user.id, "writes the new course"),
        ("access.grant", "user", user.id, "comp for a podcast"),
        ("access.revoke", "user", user.id, "podcast cancelled"),
    ]
    with app.app_context():
        actor = db.session.scalars(select(AuditEntry.actor)).first()
        assert actor.startswith("shell:")
        assert db.session.get(User, user.id).role.value == "author"


def test_the_audit_page_lists_and_filters_entries(app, admin_client, runner, course):
    user = make_user(app)
    runner.invoke(args=["access", "grant", user.email, course.slug, "--reason", "comp for a podcast"])
    runner.invoke(args=["users", "disable", user.email, "--reason", "spam"])
    page = admin_client.get("/admin/audit?action=access.grant").get_data(as_text=True)
    assert "comp for a podcast" in page and "spam</td>" not in page
