"""Starting a Stripe Checkout for a product, with the price from the server and one order per try."""

from __future__ import annotations

from datetime import timedelta

import stripe
from sqlalchemy import select

from coursehub.billing.models import Order, OrderStatus, Product
from coursehub.billing.stripe_client import stripe_client
from coursehub.db_types import utcnow
from coursehub.extensions import db
from coursehub.learning.access import has_active_entitlement

REUSE_PENDING_FOR = timedelta(hours=20)  # Stripe sessions last 24 h; leave room to finish paying


class CheckoutError(Exception):
    """Checkout can't start; the message is for the learner."""


def owned_courses(user, product: Product) -> list:
    return [course for course in product.courses if has_active_entitlement(user, course)]


def start_checkout(user, product: Product, success_url: str, cancel_url: str) -> str:
    """Create (or reuse) a pending order and its Checkout Session. :return: the URL to send the learner to.

    :raise CheckoutError: unverified email, or Stripe refused; the order is then not kept.
    """
    if not user.is_verified:
        raise CheckoutError("Please confirm your email address before buying: we send your receipt there.")
    reusable = db.session.scalar(select(Order).where(
        Order.user_id == user.id, Order.product_id == product.id, Order.status == OrderStatus.PENDING,
        Order.checkout_url.is_not(None), Order.created_at > utcnow() - REUSE_PENDING_FOR))
    if reusable is not None:
        return reusable.checkout_url
    order = Order(user_id=user.id, product_id=product.id, list_price_cents=product.price_cents,
                  currency=product.currency)
    db.session.add(order)
    db.session.flush()
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params=_session_params(user, product, order, success_url, cancel_url),
            options={"idempotency_key": f"checkout-order-{order.id}"})
    except stripe.StripeError as error:
        detail = error.user_message or "the payment service did not answer"
        raise CheckoutError("We couldn't start the payment just now; you have not been charged. "
                            f"Please try again in a moment. ({detail})") from None
    order.checkout_session_id, order.checkout_url = session.id, session.url
    db.session.flush()
    return session.url


def _session_params(user, product: Product, order: Order, success_url: str, cancel_url: str) -> dict:
    metadata = {"order_id": str(order.id), "user_id": str(user.id), "product_slug": product.slug}
    return {
        "mode": "payment",
        "line_items": [{"price_data": {"currency": product.currency, "unit_amount": product.price_cents,
                                       "product_data": {"name": product.title,
                                                        "metadata": {"product_slug": product.slug}}},
                        "quantity": 1}],
        "client_reference_id": str(order.id),
        "customer_email": user.email,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "allow_promotion_codes": True,
        # Stripe fills in the session id; it must reach Stripe with its braces, so it is appended raw.
        "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": cancel_url,
    }
