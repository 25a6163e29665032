"""Orders: the filtered list, one order's record, and refunding it (with a confirmation step)."""

from __future__ import annotations

import secrets

import stripe
from flask import abort, current_app, flash, redirect, render_template, request, url_for

from coursehub.admin import acting_admin, bp
from coursehub.admin.forms import RefundForm
from coursehub.admin.orders import (
    STATUSES,
    OrderFilterError,
    list_orders,
    order_record,
    parse_filter,
    products,
)
from coursehub.admin.periods import PeriodError, parse_period
from coursehub.admin.views import school_zone
from coursehub.billing.models import Order
from coursehub.billing.money import AmountError, format_price, parse_amount
from coursehub.billing.refunds import RefundError, refund_order, refundable_cents, requested_refunds
from coursehub.billing.stripe_client import PaymentsNotConfigured
from coursehub.core.extensions import db

MAX_ID = 2**31 - 1


def _page_number() -> int:
    raw = request.args.get("page", "1")
    if not raw.isdigit() or not 1 <= int(raw) <= 100_000:
        abort(400, "The page number is not one.")
    return int(raw)


@bp.get("/orders")
def orders():
    try:
        period = parse_period(request.args, school_zone()) if request.args.get("period") else None
        order_filter = parse_filter(request.args, period)
    except (PeriodError, OrderFilterError) as error:
        abort(400, str(error))
    return render_template(
        "admin/orders.html",
        page=list_orders(order_filter, _page_number()),
        order_filter=order_filter,
        statuses=STATUSES,
        products=products(),
        query={key: value for key, value in request.args.items() if key != "page"},
    )


def _stripe_dashboard() -> str | None:
    """Links to Stripe's dashboard only make sense for a live account."""
    key = current_app.config["STRIPE_SECRET_KEY"] or ""
    return "https://dashboard.stripe.com" if key.startswith("sk_live_") else None


def _record_or_404(order_id: int):
    record = order_record(order_id) if 0 < order_id <= MAX_ID else None
    if record is None:
        abort(404)
    return record


@bp.get("/orders/<int:order_id>")
def order(order_id: int):
    record = _record_or_404(order_id)
    form = RefundForm(nonce=secrets.token_hex(16))
    return _order_page(record, form)


def _order_page(record, form, status: int = 200):
    return (
        render_template(
            "admin/order.html",
            record=record,
            form=form,
            requested=requested_refunds(record.order),
            stripe_dashboard=_stripe_dashboard(),
        ),
        status,
    )


@bp.post("/orders/<int:order_id>/refund")
def refund(order_id: int):
    """First submit: show what remains refundable and ask to confirm. Confirmed: refund once per nonce."""
    record = _record_or_404(order_id)
    order: Order = record.order
    form = RefundForm()
    if not form.validate_on_submit():
        return _order_page(record, form, 400)
    try:
        cents = parse_amount(form.amount.data, order.currency) if form.amount.data else None
        remaining = refundable_cents(order)
    except AmountError as error:
        form.amount.errors.append(str(error))
        return _order_page(record, form, 400)
    except (stripe.StripeError, PaymentsNotConfigured) as error:
        flash(f"Stripe did not answer; nothing was refunded ({error}).", "error")
        return _order_page(record, form, 503)
    if form.step.data != "refund":
        asked = remaining if cents is None else cents
        return render_template(
            "admin/confirm_refund.html",
            record=record,
            form=form,
            remaining=format_price(remaining, order.currency),
            asked=format_price(asked, order.currency),
            too_much=asked > remaining,
        )
    try:
        refund_order(order, cents, form.nonce.data, acting_admin(), reason=form.reason.data.strip())
    except RefundError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(url_for("admin.order", order_id=order.id), 303)
    db.session.commit()
    flash(f"Refund requested for order {order.id}.", "success")
    return redirect(url_for("admin.order", order_id=order.id), 303)
