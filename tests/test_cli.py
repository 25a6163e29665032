import os
import subprocess
import sys

import pytest

from coursehub.accounts.models import Role
from coursehub.accounts.services import find_user_by_email
from coursehub.core.paths import PROJECT_ROOT
from tests.factories import make_user


def one_line_error(result) -> str:
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    return lines[0]


def test_users_create_reads_the_password_from_stdin_and_the_account_can_log_in(app, runner, auth):
    result = runner.invoke(
        args=["users", "create", "Author@Example.com", "--role", "author", "--password-stdin"],
        input="a strong password here\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created author author@example.com" in result.output
    assert auth.login("author@example.com", "a strong password here").status_code == 302
    with app.app_context():
        user = find_user_by_email("author@example.com")
        assert user.role is Role.AUTHOR and user.is_verified


def test_users_create_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["users", "create", "ada@example.com"], input="a strong password here\na strong password here\n"
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (
            ["users", "create", "not-an-email", "--password-stdin"],
            "a strong password here\n",
            "That email address is not valid",
        ),
        (
            ["users", "create", "ada@example.com", "--role", "wizard", "--password-stdin"],
            "a strong password\n",
            "unknown role 'wizard'; use one of learner, author, admin",
        ),
        (["users", "create", "ada@example.com", "--password-stdin"], "short\n", "at least 10 characters"),
        (["users", "create"], "", "Missing argument 'EMAIL'"),
        (["users", "set-role", "nobody@example.com", "admin"], "", "no account uses nobody@example.com"),
    ],
)
def test_bad_input_exits_2_with_one_line(app, runner, args, stdin, message):
    result = runner.invoke(args=args, input=stdin)
    assert result.exit_code == 2
    assert message in one_line_error(result)


def test_users_create_refuses_a_taken_email(app, runner):
    user = make_user(app)
    result = runner.invoke(
        args=["users", "create", user.email.upper(), "--password-stdin"], input="a strong password here\n"
    )
    assert result.exit_code == 2
    assert "already exists" in one_line_error(result)


def test_set_role_changes_the_role(app, runner):
    user = make_user(app)
    result = runner.invoke(args=["users", "set-role", user.email, "ADMIN"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert find_user_by_email(user.email).role is Role.ADMIN


def test_demo_seed_creates_the_three_demo_accounts_once(app, runner, auth):
    first = runner.invoke(args=["demo", "seed"])
    second = runner.invoke(args=["demo", "seed"])
    assert first.exit_code == second.exit_code == 0
    for email in ("learner@example.com", "author@example.com", "admin@example.com"):
        assert email in first.output
    assert auth.login("admin@example.com", "coursehub-demo").status_code == 302


def test_demo_seed_is_refused_in_production(app, runner):
    app.config["COURSEHUB_ENV"] = "production"
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 2
    assert "never created in production" in one_line_error(result)
    with app.app_context():
        assert find_user_by_email("admin@example.com") is None


def test_users_create_checks_the_address_before_asking_for_a_password(app, runner):
    result = runner.invoke(args=["users", "create", "not-an-email"], input="")
    assert result.exit_code == 2
    assert "Password" not in result.output
    assert "That email address is not valid" in one_line_error(result)


@pytest.mark.parametrize("command", [["users", "create", "ada@example.com"], ["mail", "send-pending"]])
def test_a_command_on_a_machine_without_settings_prints_one_line_and_exits_2(tmp_path, command):
    """No SECRET_KEY in production (the default): one line saying what to set, no traceback."""
    environment = {"PATH": os.environ["PATH"], "HOME": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "coursehub", *command],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: SECRET_KEY is not set; set it to a random string")
