"""``flask users ...``: create accounts and change roles from the shell."""

import sys

import click

from coursehub.accounts.emails import InvalidEmail, normalize_email
from coursehub.accounts.models import Role
from coursehub.accounts.services import AccountError, create_user, find_user_by_email, set_role
from coursehub.core.cli import CommandError, CommandGroup
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
def set_role_command(email: str, role: str) -> None:
    """Give the account EMAIL the role ROLE."""
    chosen_role = _parse_role(role)
    user = find_user_by_email(email)
    if user is None:
        raise CommandError(f"no account uses {email}; create it with `flask users create`")
    set_role(user, chosen_role)
    db.session.commit()
    click.echo(f"{user.email} is now {user.role.value}")
