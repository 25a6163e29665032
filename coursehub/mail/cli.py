"""``flask mail ...``: drain the outbox (run it from cron or a worker loop in production)."""

import time

import click

from coursehub.core.cli import CommandGroup
from coursehub.mail.services import deliver, due_message_ids

mail_cli = CommandGroup("mail", help="Deliver queued mail.")


@mail_cli.command("send-pending")
@click.option("--include-given-up", is_flag=True, help="Also retry messages that reached the attempt limit.")
@click.option(
    "--watch",
    type=click.IntRange(min=1),
    default=None,
    metavar="SECONDS",
    help="Keep running, checking the outbox every SECONDS.",
)
def send_pending(include_given_up: bool, watch: int | None) -> None:
    """Send every message that is due, and report how many went and how many will be retried."""
    while True:
        sent, failed = deliver(due_message_ids(include_given_up))
        click.echo(f"mail: {sent} sent, {failed} failed and kept for retry")
        if watch is None:
            if failed:
                raise SystemExit(1)
            return
        time.sleep(watch)
