"""``flask demo seed``: the demo accounts for trying the school offline."""

import click
from flask import current_app

from coursehub.accounts.models import Role
from coursehub.accounts.services import create_user, find_user_by_email
from coursehub.cli import CommandError, CommandGroup
from coursehub.extensions import db

demo_cli = CommandGroup("demo", help="The offline demo.")

DEMO_PASSWORD = "coursehub-demo"  # noqa: S105 - published in the README; refused in production
DEMO_ACCOUNTS = (
    ("learner@example.com", "Demo Learner", Role.LEARNER),
    ("author@example.com", "Demo Author", Role.AUTHOR),
    ("admin@example.com", "Demo Admin", Role.ADMIN),
)


@demo_cli.command("seed")
def seed() -> None:
    """Create the demo accounts (verified, password coursehub-demo) unless they exist."""
    if current_app.config["COURSEHUB_ENV"] == "production":
        raise CommandError("demo accounts are never created in production (COURSEHUB_ENV=production)")
    for email, name, role in DEMO_ACCOUNTS:
        if find_user_by_email(email) is None:
            create_user(email, name, DEMO_PASSWORD, role=role, verified=True)
    db.session.commit()
    for email, _name, role in DEMO_ACCOUNTS:
        click.echo(f"  {role.value:<8} {email}  password: {DEMO_PASSWORD}")
