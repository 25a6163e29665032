"""``flask demo seed``: the demo accounts for trying the school offline."""

import os
from urllib.parse import urlsplit

import click
from flask import current_app
from werkzeug.serving import WSGIRequestHandler, run_simple

from coursehub.accounts.models import Role
from coursehub.accounts.services import create_user, find_user_by_email
from coursehub.core.cli import CommandError, CommandGroup
from coursehub.core.extensions import db
from coursehub.demo.sales import DemoSalesError, make_demo_sales
from coursehub.stripe_fake import FakeStripe

demo_cli = CommandGroup("demo", help="The offline demo.")

DEMO_PASSWORD = "coursehub-demo"  # noqa: S105 - published in the README; refused in production
DEMO_ACCOUNTS = (
    ("learner@example.com", "Demo Learner", Role.LEARNER),
    ("author@example.com", "Demo Author", Role.AUTHOR),
    ("admin@example.com", "Demo Admin", Role.ADMIN),
)


class QuietRequestHandler(WSGIRequestHandler):
    """Werkzeug's handler, without naming its version and Python's in every answer's Server header."""

    def version_string(self) -> str:
        return "CourseHub"


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


@demo_cli.command("sales")
@click.option("--weeks", default=4, show_default=True, type=click.IntRange(1, 26))
def sales(weeks: int) -> None:
    """Make a few weeks of sample sales through the local Stripe stand-in, so the admin has figures."""
    config = current_app.config
    if config["COURSEHUB_ENV"] == "production":
        raise CommandError("demo sales are never made in production (COURSEHUB_ENV=production)")
    if not config["STRIPE_API_BASE"]:
        raise CommandError(
            "demo sales go through the local Stripe stand-in: set STRIPE_API_BASE (make run does)"
        )
    base = urlsplit(config["STRIPE_API_BASE"])
    with FakeStripe(
        api_key=config["STRIPE_SECRET_KEY"],
        webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
        host=base.hostname or "",
        port=base.port or 80,
        deliver=False,
        production=False,
    ):
        try:
            made = make_demo_sales(config["BASE_URL"], weeks)
        except DemoSalesError as error:
            click.echo(f"  sample sales: skipped, {error}")
            return
    click.echo(f"  sample sales: {made} orders over the past {weeks} weeks (buyer1..@example.com)")


@demo_cli.command("serve")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
def serve(port: int) -> None:
    """Serve the school on 127.0.0.1; with STRIPE_API_BASE set, run the local Stripe stand-in beside it."""
    config = current_app.config
    if config["COURSEHUB_ENV"] == "production":
        raise CommandError("demo serve is for trying the school; run gunicorn in production (see README)")
    if "BASE_URL" not in os.environ:  # links in mail and Stripe's return address follow --port
        config["BASE_URL"] = f"http://127.0.0.1:{port}"
    fake = None
    if config["STRIPE_API_BASE"]:
        base = urlsplit(config["STRIPE_API_BASE"])
        fake = FakeStripe(
            api_key=config["STRIPE_SECRET_KEY"],
            webhook_secret=config["STRIPE_WEBHOOK_SECRET"],
            webhook_url=f"http://127.0.0.1:{port}/stripe/webhook",
            host=base.hostname or "",
            port=base.port or 80,
            production=False,
        )
        fake.start()
        click.echo(f"Stripe: using the local test stand-in at {fake.base_url} (no real charges)")
    elif config["STRIPE_SECRET_KEY"]:
        click.echo("Stripe: using the Stripe account of STRIPE_SECRET_KEY")
    click.echo(f"CourseHub: serving on http://127.0.0.1:{port} (Ctrl+C to stop)")
    try:
        run_simple(
            "127.0.0.1",
            port,
            current_app._get_current_object(),
            threaded=True,
            request_handler=QuietRequestHandler,
        )
    finally:
        if fake is not None:
            fake.stop()
