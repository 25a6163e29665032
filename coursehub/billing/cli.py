"""``flask orders refund`` and ``flask stripe reconcile``: money operations from the shell."""

from __future__ import annotations

import getpass
import re
import time
import uuid

import click
import stripe

from coursehub.billing.events import HANDLED, handle_event
from coursehub.billing.models import Order, StripeEvent
from coursehub.billing.money import AmountError, format_price, parse_amount
from coursehub.billing.refunds import RefundError, refund_order, refundable_cents
from coursehub.billing.stripe_client import PaymentsNotConfigured, stripe_client
from coursehub.core.cli import CommandError, CommandGroup
from coursehub.core.extensions import db

orders_cli = CommandGroup("orders", help="Orders and refunds.")
stripe_cli = CommandGroup("stripe", help="Stripe housekeeping.")
SINCE = re.compile(r"(\d+)([dh])")


@orders_cli.command("refund")
@click.argument("order_id", type=int)
@click.option("--amount", default=None, help="How much to refund, e.g. 12.50 (default: all that remains).")
@click.option("--reason", default="", help="Why (kept in the audit log).")
@click.option("--yes", is_flag=True, help="Don't ask for confirmation.")
def refund(order_id: int, amount: str | None, reason: str, yes: bool) -> None:
    """Refund order ORDER_ID through Stripe, after showing what remains; a full refund ends its access."""
    order = db.session.get(Order, order_id)
    if order is None:
        raise CommandError(f"no order {order_id}")
    try:
        cents = parse_amount(amount, order.currency) if amount else None
        remaining = refundable_cents(order)
    except (AmountError, PaymentsNotConfigured) as error:
        raise CommandError(str(error)) from None
    except stripe.StripeError as error:
        raise CommandError(f"Stripe did not answer: {error.user_message or error}") from None
    asked = format_price(remaining if cents is None else cents, order.currency)
    question = (
        f"Order {order.id} ({order.user.email}, {order.product.title}): "
        f"{format_price(remaining, order.currency)} can still be refunded. Refund {asked}?"
    )
    if remaining > 0 and not yes and not click.confirm(question):
        raise CommandError("nothing refunded")
    try:
        # One key per confirmed run: a retry inside this run is one refund; another run is a new decision.
        refund_order(
            order,
            cents,
            request_key=f"cli-{uuid.uuid4()}",
            requested_by=f"shell:{getpass.getuser()}",
            reason=reason,
        )
    except RefundError as error:
        raise CommandError(str(error)) from None
    db.session.commit()
    click.echo(
        f"Order {order.id}: {format_price(order.refunded_cents, order.currency)} refunded in all; "
        f"access is {order.access.value}"
    )


@stripe_cli.command("reconcile")
@click.option("--since", default="30d", show_default=True, help="How far back: 30d, 12h, ...")
def reconcile(since: str) -> None:
    """Apply any Stripe events the webhook missed (downtime, a lost delivery), through the same handlers."""
    match = SINCE.fullmatch(since.strip())
    if not match:
        raise CommandError(f"--since {since!r} is not a period; write it like 30d or 12h")
    seconds = int(match.group(1)) * (86400 if match.group(2) == "d" else 3600)
    try:
        client = stripe_client()
    except PaymentsNotConfigured:
        raise CommandError("STRIPE_SECRET_KEY is not set; there is no Stripe account to reconcile") from None
    listing = client.v1.events.list(
        params={"created": {"gte": int(time.time()) - seconds}, "types": sorted(HANDLED), "limit": 100}
    )
    events = [event for event in listing.auto_paging_iter() if db.session.get(StripeEvent, event.id) is None]
    outcomes: dict[str, int] = {}
    with click.progressbar(reversed(events), length=len(events), label="Applying missed events") as bar:
        for event in bar:  # oldest first
            try:
                outcome = handle_event(event)
                db.session.commit()
            except stripe.StripeError as error:
                db.session.rollback()
                outcome = "failed"
                click.echo(f"\n{event.id} ({event.type}) failed and stays unprocessed: {error}", err=True)
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
    summary = ", ".join(f"{count} {outcome}" for outcome, count in sorted(outcomes.items()))
    summary = summary or "nothing missed"
    click.echo(f"Reconciled {len(events)} event(s): {summary}")
    if outcomes.get("failed"):
        raise SystemExit(1)
