"""Billing: products and prices, Stripe Checkout, fulfillment, the webhook, refunds, disputes, the ledger."""

from flask import Blueprint

bp = Blueprint("billing", __name__)
