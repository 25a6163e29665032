"""The hosted Checkout stand-in: one plain HTML page (no script) where a person or a test pays, or not.

The form posts ``action`` = ``pay`` | ``pay_delayed`` | ``decline`` | ``apply_code`` (with ``code``) back to
the session's ``url``. Paying answers 303 to ``success_url`` with ``{CHECKOUT_SESSION_ID}`` filled in, after
waiting (up to ``redirect_wait``) for the app's answer to the first ``checkout.session.completed`` delivery,
as Checkout does. Stable element ids (``#pay``, ``#pay-delayed``, ``#decline``, ``#cancel``, ``#code``,
``#apply-code``, ``#total``, ``#error``) are there for browser tests.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, redirect, render_template_string, request

from coursehub.stripe_fake import checkout, payments
from coursehub.stripe_fake.app import runtime
from coursehub.stripe_fake.errors import StripeError

blueprint = Blueprint("stripe_fake_pay", __name__)
ZERO_DECIMAL = {
    "bif",
    "clp",
    "djf",
    "gnf",
    "jpy",
    "kmf",
    "krw",
    "mga",
    "pyg",
    "rwf",
    "ugx",
    "vnd",
    "vuv",
    "xaf",
    "xof",
    "xpf",
}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Checkout (test stand-in)</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 34rem; margin: 2rem auto; padding: 0 1rem; }
.banner { background: #fff3cd; padding: .5rem .75rem; border-radius: .25rem; }
#error { color: #8a1c1c; font-weight: bold; }
table { width: 100%; border-collapse: collapse; } td { padding: .25rem 0; } .amount { text-align: right; }
button { margin: .25rem .25rem .25rem 0; padding: .5rem 1rem; }
</style>
</head>
<body>
<main>
<p class="banner">Test mode: this is CourseHub's local Stripe stand-in. No real money moves.</p>
{% if error %}<p id="error" role="alert">{{ error }}</p>{% endif %}
{% if session.status != "open" %}
<h1>This checkout is no longer active</h1>
<p id="status">Status: {{ session.status }}{% if session.status == "complete" %}, payment {{
  session.payment_status }}{% endif %}.</p>
{% else %}
<h1>Pay {{ money(session.amount_total) }}</h1>
<table id="line-items">
{% for item in items %}
<tr><td>{{ item.description }}{% if item.quantity > 1 %} x {{ item.quantity }}{% endif %}</td>
<td class="amount">{{ money(item.amount_subtotal) }}</td></tr>
{% endfor %}
{% if discount %}
<tr id="discount"><td>Discount ({{ code }})</td><td class="amount">-{{ money(discount) }}</td></tr>
{% endif %}
<tr><td><strong>Total due</strong></td><td class="amount" id="total"><strong>{{
  money(session.amount_total) }}</strong></td></tr>
</table>
{% if session.customer_email %}<p>Receipt to {{ session.customer_email }}</p>{% endif %}
{% if session.allow_promotion_codes %}
<form method="post" id="promo-form">
<label for="code">Promotion code</label>
<input id="code" name="code" autocomplete="off">
<button type="submit" name="action" value="apply_code" id="apply-code">Apply</button>
</form>
{% endif %}
<form method="post" id="pay-form">
<button type="submit" name="action" value="pay" id="pay">Pay</button>
<button type="submit" name="action" value="pay_delayed" id="pay-delayed">Pay with a delayed method</button>
<button type="submit" name="action" value="decline" id="decline">Decline</button>
</form>
{% if session.cancel_url %}<p><a href="{{ session.cancel_url }}" id="cancel">Cancel</a></p>{% endif %}
{% endif %}
</main>
</body>
</html>
"""


def _money(currency: str) -> Any:
    def money(amount: int) -> str:
        if currency in ZERO_DECIMAL:
            return f"{amount} {currency.upper()}"
        return f"{amount / 100:.2f} {currency.upper()}"

    return money


def _render(session_id: str, error: str | None = None, status: int = 200) -> Any:
    store = runtime().store
    with store.lock:
        session = store.get("checkout.session", session_id)
        items = checkout.line_items(store, session)
        code = None
        if session["discounts"] and session["discounts"][0]["promotion_code"]:
            code = store.get("promotion_code", session["discounts"][0]["promotion_code"])["code"]
        html = render_template_string(
            PAGE,
            session=session,
            items=items,
            error=error,
            code=code,
            discount=session["total_details"]["amount_discount"],
            money=_money(session["currency"]),
        )
    return html, status, {"Content-Type": "text/html; charset=utf-8"}


@blueprint.get("/checkout/pay/<session_id>")
def show(session_id: str) -> Any:
    try:
        return _render(session_id)
    except StripeError as error:
        if error.status == 404:
            return "No such Checkout Session.", 404, {"Content-Type": "text/plain; charset=utf-8"}
        raise


@blueprint.post("/checkout/pay/<session_id>")
def act(session_id: str) -> Any:
    rt = runtime()
    action = request.form.get("action", "")
    try:
        if action in ("pay", "pay_delayed"):
            session, completed = payments.pay(rt.store, session_id, delayed=action == "pay_delayed")
        elif action == "decline":
            payments.decline(rt.store, session_id)
        elif action == "apply_code":
            checkout.apply_promotion_code(rt.store, session_id, request.form.get("code", ""))
            return redirect(request.path, code=303)
        else:
            return _render(session_id, "Choose Pay, Pay with a delayed method or Decline.", 400)
    except StripeError as error:
        if error.status == 404:
            return "No such Checkout Session.", 404, {"Content-Type": "text/plain; charset=utf-8"}
        return _render(session_id, error.message, 409 if error.code == "checkout_session_not_open" else 200)
    rt.deliverer.wait_first_attempt(completed.event["id"], rt.redirect_wait)
    return redirect(session["success_url"].replace("{CHECKOUT_SESSION_ID}", session["id"]), code=303)
