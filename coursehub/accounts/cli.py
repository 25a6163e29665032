"""``flask users ...``: create accounts and change roles from the shell."""

import sys

import click

from coursehub.accounts.emails import InvalidEmail, normalize_email
from coursehub.accounts.models import Role
from coursehub.accounts.services import (
    AccountError,
    create_user,
    disable_account,
    enable_account,
    find_user_by_email,
    set_role,
)
from coursehub.core.cli import CommandError, CommandGroup, shell_actor
from coursehub.core.extensions import db

users_cli = CommandGroup("users", help="Manage accounts.")
ROLE_NAMES = ", ".join(role.value for role in Role)


def _parse_role(value: str) -> Role:
    try:
        return Role(value.strip().lower())
    except ValueError:
        raise CommandError(f"unknown role {value!r}; use one of {ROLE_NAMES}") from None


@users_cli.command("create")
@click.argument("email")
@click.option("--role", default="learner", show_default=True, help=f"One of {ROLE_NAMES}.")
@click.option("--name", "display_name", default=None, help="Display name (default: the email's name part).")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def create(email: str, role: str, display_name: str | None, password_stdin: bool) -> None:
    """Create a verified account for EMAIL."""
    chosen_role = _parse_role(role)
    try:  # the arguments are checked before the password is asked for
        email = normalize_email(email)
    except InvalidEmail as error:
        raise CommandError(f"That email address is not valid: {error}") from None
    if find_user_by_email(email) is not None:
        raise CommandError("An account with that email already exists.")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    try:
        user = create_user(
            email, display_name or email.split("@")[0], password, role=chosen_role, verified=True
        )
    except AccountError as error:
        raise CommandError(error.message) from None
    db.session.commit()
    click.echo(f"Created {user.role.value} {user.email}")


@users_cli.command("set-role")
@click.argument("email")
@click.argument("role")
@click.option("--reason", default="", help="Why (kept in the audit log).")
def set_role_command(email: str, role: str, reason: str) -> None:
    """Give the account EMAIL the role ROLE."""
    chosen_role = _parse_role(role)
    user = _existing(email)
    set_role(user, chosen_role, shell_actor(), reason)
    db.session.commit()
    click.echo(f"{user.email} is now {user.role.value}")


def _existing(email: str):
    user = find_user_by_email(email)
    if user is None:
        raise CommandError(f"no account uses {email}; create it with `flask users create`")
    return user


@users_cli.command("disable")
@click.argument("email")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def disable(email: str, reason: str) -> None:
    """Disable the account EMAIL: it can't log in and its sessions end now."""
    user = _existing(email)
    try:
        disable_account(user, shell_actor(), reason)
    except AccountError as error:
        raise CommandError(error.message) from None
    db.session.commit()
    click.echo(f"{user.email} is disabled; its sessions have ended")


@users_cli.command("enable")
@click.argument("email")
@click.option("--reason", required=True, help="Why (kept in the audit log).")
def enable(email: str, reason: str) -> None:
    """Let the account EMAIL log in again."""
    user = _existing(email)
    try:
        enable_account(user, shell_actor(), reason)
    except AccountError as error:
        raise CommandError(error.message) from None
    db.session.commit()
    click.echo(f"{user.email} can log in again")
