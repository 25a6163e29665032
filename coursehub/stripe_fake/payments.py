"""Money moving: paying a session (card or a delayed method), async outcomes, refunds and disputes.

Session ``metadata`` is not copied to the PaymentIntent or Charge, as at Stripe; ``payment_intent_data``
metadata lands on the PaymentIntent only. The Charge carries none, so code that maps a refund or dispute
back to an order has to go through the PaymentIntent, which works against real Stripe as well.
"""

from __future__ import annotations

import secrets
from typing import Any

from coursehub.stripe_fake.checkout import open_session
from coursehub.stripe_fake.discounts import redeem
from coursehub.stripe_fake.errors import card_declined, invalid, missing, state_error
from coursehub.stripe_fake.forms import Params
from coursehub.stripe_fake.state import EventRecord, Store, new_id

CARD = {
    "type": "card",
    "card": {
        "brand": "visa",
        "last4": "4242",
        "exp_month": 12,
        "exp_year": 2034,
        "country": "US",
        "funding": "credit",
    },
}
BANK = {
    "type": "us_bank_account",
    "us_bank_account": {"bank_name": "STRIPE TEST BANK", "last4": "6789", "account_type": "checking"},
}
DISPUTE_REASONS = (
    "fraudulent",
    "product_not_received",
    "product_unacceptable",
    "duplicate",
    "credit_not_processed",
    "general",
    "unrecognized",
    "subscription_canceled",
)


def balance_transaction(store: Store, charge: dict[str, Any]) -> None:
    """The charge's entry in the account balance, with Stripe's standard US card fee: 2.9% + 30 cents."""
    amount = charge["amount"]
    fee = (amount * 29 + 500) // 1000 + 30
    transaction = store.add(
        {
            "id": new_id("txn"),
            "object": "balance_transaction",
            "amount": amount,
            "available_on": store.now() + 2 * 86400,
            "created": store.now(),
            "currency": charge["currency"],
            "fee": fee,
            "fee_details": [
                {
                    "amount": fee,
                    "application": None,
                    "currency": charge["currency"],
                    "description": "Stripe processing fees",
                    "type": "stripe_fee",
                }
            ],
            "net": amount - fee,
            "reporting_category": "charge",
            "source": charge["id"],
            "status": "pending",
            "type": "charge",
        }
    )
    charge["balance_transaction"] = transaction["id"]


def _payment(store: Store, session: dict[str, Any], delayed: bool) -> tuple[dict[str, Any], dict[str, Any]]:
    pi_id, charge_id = new_id("pi"), new_id("ch")
    amount, email = session["amount_total"], session["customer_email"]
    pi_data = session["_payment_intent_data"]
    intent = store.add(
        {
            "id": pi_id,
            "object": "payment_intent",
            "amount": amount,
            "amount_capturable": 0,
            "amount_received": 0 if delayed else amount,
            "canceled_at": None,
            "capture_method": "automatic",
            "client_secret": f"{pi_id}_secret_{secrets.token_hex(12)}",
            "confirmation_method": "automatic",
            "created": store.now(),
            "currency": session["currency"],
            "customer": None,
            "description": pi_data["description"],
            "last_payment_error": None,
            "latest_charge": charge_id,
            "livemode": False,
            "metadata": dict(pi_data["metadata"]),
            "payment_method_types": ["us_bank_account" if delayed else "card"],
            "receipt_email": email,
            "status": "processing" if delayed else "succeeded",
        }
    )
    charge = store.add(
        {
            "id": charge_id,
            "object": "charge",
            "amount": amount,
            "amount_captured": amount,
            "amount_refunded": 0,
            "balance_transaction": None,
            "billing_details": {"email": email, "name": None},
            "captured": True,
            "created": store.now(),
            "currency": session["currency"],
            "customer": None,
            "description": pi_data["description"],
            "disputed": False,
            "failure_code": None,
            "failure_message": None,
            "livemode": False,
            "metadata": {},
            "paid": not delayed,
            "payment_intent": pi_id,
            "payment_method_details": dict(BANK if delayed else CARD),
            "receipt_email": email,
            "refunded": False,
            "status": "pending" if delayed else "succeeded",
        }
    )
    if not delayed:
        balance_transaction(store, charge)
    return intent, charge


def pay(store: Store, session_id: str, delayed: bool = False) -> tuple[dict[str, Any], EventRecord]:
    """Complete an open session. A delayed method completes it ``unpaid`` with the payment processing."""
    with store.lock:
        session = open_session(store, session_id)
        session["status"] = "complete"
        session["url"] = None
        session["customer_details"] = {"email": session["customer_email"], "name": None}
        if session["amount_total"] == 0:
            session["payment_status"] = "no_payment_required"
        else:
            intent, _charge = _payment(store, session, delayed)
            session["payment_intent"] = intent["id"]
            session["payment_status"] = "unpaid" if delayed else "paid"
        redeem(store, session["discounts"])
        return session, store.emit("checkout.session.completed", session)


def decline(store: Store, session_id: str) -> None:
    """The card is refused: nothing is created and the session stays open for another try."""
    open_session(store, session_id)
    raise card_declined()


def settle_async(store: Store, session_id: str, succeeded: bool) -> dict[str, Any]:
    """The bank's answer for a delayed payment, as ``async_payment_succeeded`` or ``async_payment_failed``."""
    with store.lock:
        session = store.get("checkout.session", session_id)
        intent = store.find(session["payment_intent"] or "")
        if session["status"] != "complete" or intent is None or intent["status"] != "processing":
            raise state_error("This Checkout Session has no delayed payment waiting for an outcome.")
        charge = store.get("charge", intent["latest_charge"])
        if succeeded:
            intent.update(status="succeeded", amount_received=intent["amount"])
            charge.update(status="succeeded", paid=True)
            balance_transaction(store, charge)
            session["payment_status"] = "paid"
            event_type = "checkout.session.async_payment_succeeded"
        else:
            failure = {
                "code": "payment_method_provider_decline",
                "message": "The bank declined the payment.",
                "type": "card_error",
            }
            intent.update(status="requires_payment_method", last_payment_error=failure)
            charge.update(
                status="failed",
                paid=False,
                failure_code="insufficient_funds",
                failure_message="The bank account has insufficient funds.",
            )
            event_type = "checkout.session.async_payment_failed"
        store.emit(event_type, session)
        return session


def create_refund(store: Store, params: Params, request: dict[str, Any]) -> dict[str, Any]:
    pi_id, charge_id = params.text("payment_intent"), params.text("charge")
    amount = params.integer("amount", minimum=1)
    reason = params.choice("reason", ("duplicate", "fraudulent", "requested_by_customer"))
    metadata = params.metadata()
    params.expand()
    params.finish()
    if pi_id is None and charge_id is None:
        raise missing("charge")
    with store.lock:
        if pi_id is not None:
            intent = store.get("payment_intent", pi_id, "payment_intent")
            if charge_id is not None and charge_id != intent["latest_charge"]:
                raise invalid("The charge does not belong to this PaymentIntent.", "charge")
            charge_id = intent["latest_charge"]
        charge = store.get("charge", charge_id or "", "charge")
        if charge["status"] != "succeeded":
            raise state_error(
                f"Charge {charge['id']} has not succeeded, so it cannot be refunded.",
                "charge",
                "charge_not_refundable",
            )
        disputes = [d for d in store.all("dispute") if d["charge"] == charge["id"]]
        if any(d["status"] != "won" for d in disputes):
            raise state_error(
                f"Charge {charge['id']} has been charged back; cannot issue a refund.",
                "charge",
                "charge_disputed",
            )
        remaining = charge["amount"] - charge["amount_refunded"]
        if remaining == 0:
            raise state_error(
                f"Charge {charge['id']} has already been refunded.", "charge", "charge_already_refunded"
            )
        amount = remaining if amount is None else amount
        if amount > remaining:
            raise state_error(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining}).",
                "amount",
                "amount_too_large",
            )
        refund = store.add(
            {
                "id": new_id("re"),
                "object": "refund",
                "amount": amount,
                "balance_transaction": None,
                "charge": charge["id"],
                "created": store.now(),
                "currency": charge["currency"],
                "metadata": metadata,
                "payment_intent": charge["payment_intent"],
                "reason": reason,
                "status": "succeeded",
            }
        )
        charge["amount_refunded"] += amount
        charge["refunded"] = charge["amount_refunded"] == charge["amount"]
        store.emit("charge.refunded", charge, request)
        store.emit("refund.created", refund, request)
        return refund


def open_dispute(store: Store, charge_id: str, params: Params) -> dict[str, Any]:
    amount = params.integer("amount", minimum=1)
    reason = params.choice("reason", DISPUTE_REASONS) or "fraudulent"
    params.finish()
    with store.lock:
        charge = store.get("charge", charge_id)
        if charge["status"] != "succeeded":
            raise state_error(f"Charge {charge_id} has not succeeded, so it cannot be disputed.")
        if any(d["charge"] == charge_id for d in store.all("dispute")):
            raise state_error(f"Charge {charge_id} already has a dispute.")
        disputable = charge["amount"] - charge["amount_refunded"]
        amount = disputable if amount is None else amount
        if not 0 < amount <= disputable:
            raise state_error(f"A dispute can be for at most the unrefunded amount ({disputable}).", "amount")
        now = store.now()
        dispute = store.add(
            {
                "id": new_id("dp"),
                "object": "dispute",
                "amount": amount,
                "balance_transactions": [],
                "charge": charge_id,
                "created": now,
                "currency": charge["currency"],
                "evidence_details": {
                    "due_by": now + 7 * 86400,
                    "has_evidence": False,
                    "past_due": False,
                    "submission_count": 0,
                },
                "is_charge_refundable": False,
                "livemode": False,
                "metadata": {},
                "payment_intent": charge["payment_intent"],
                "reason": reason,
                "status": "needs_response",
            }
        )
        charge["disputed"] = True
        store.emit("charge.dispute.created", dispute)
        return dispute


def close_dispute(store: Store, dispute_id: str, params: Params) -> dict[str, Any]:
    """The card network's verdict. ``charge.disputed`` stays true either way, as at Stripe."""
    status = params.choice("status", ("won", "lost"), required=True)
    params.finish()
    with store.lock:
        dispute = store.get("dispute", dispute_id)
        if dispute["status"] in ("won", "lost"):
            raise state_error(f"Dispute {dispute_id} is already closed ({dispute['status']}).")
        dispute["status"] = status
        store.emit("charge.dispute.closed", dispute)
        return dispute
