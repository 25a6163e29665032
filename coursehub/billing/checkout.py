"""Starting a Stripe Checkout for a product, with the price from the server and one order per try."""

from __future__ import annotations

from datetime import timedelta

import stripe
from sqlalchemy import select

from coursehub.billing.models import Order, OrderStatus, Product, ProductKind
from coursehub.billing.stripe_client import stripe_client
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from coursehub.learning.access import has_active_entitlement

REUSE_PENDING_FOR = timedelta(hours=20)  # Stripe sessions last 24 h; leave room to finish paying


class CheckoutError(Exception):
    """Checkout can't start; the message is for the learner."""


class AlreadyOwned(CheckoutError):
    """The learner already has every course the product would open (or, for a course, that course)."""

    def __init__(self, course):
        super().__init__("You already own this course.")
        self.course = course


class OverlapsOwned(CheckoutError):
    """A bundle includes courses the learner already owns: they must confirm before paying for it."""

    def __init__(self, owned: list):
        titles = ", ".join(course.title for course in owned)
        super().__init__(f"You already own {titles}; this bundle includes it.")
        self.owned = owned


def owned_courses(user, product: Product) -> list:
    return [course for course in product.courses if has_active_entitlement(user, course)]


def check_purchase(user, product: Product, overlap_confirmed: bool = False) -> None:
    """The purchase rules: never sell a course twice; sell a bundle that overlaps only when confirmed.

    :raise AlreadyOwned: a course the learner owns, or a bundle whose every course they own.
    :raise OverlapsOwned: a bundle with some owned courses, not yet confirmed.
    """
    owned = owned_courses(user, product)
    if owned and (product.kind is ProductKind.COURSE or len(owned) == len(product.courses)):
        raise AlreadyOwned(owned[0])
    if owned and not overlap_confirmed:
        raise OverlapsOwned(owned)


def start_checkout(
    user, product: Product, success_url: str, cancel_url: str, overlap_confirmed: bool = False
) -> str:
    """Create (or reuse) a pending order and its Checkout Session. :return: the URL to send the learner to.

    :raise CheckoutError: unverified email, a purchase rule (``check_purchase``), or Stripe refused; the
        order is then not kept.
    """
    if not user.is_verified:
        raise CheckoutError("Please confirm your email address before buying: we send your receipt there.")
    check_purchase(user, product, overlap_confirmed)
    reusable = db.session.scalar(
        select(Order).where(
            Order.user_id == user.id,
            Order.product_id == product.id,
            Order.status == OrderStatus.PENDING,
            Order.checkout_url.is_not(None),
            Order.created_at > utcnow() - REUSE_PENDING_FOR,
        )
    )
    if reusable is not None:
        return reusable.checkout_url
    order = Order(
        user_id=user.id,
        product_id=product.id,
        list_price_cents=product.price_cents,
        currency=product.currency,
    )
    db.session.add(order)
    db.session.flush()
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params=_session_params(user, product, order, success_url, cancel_url),
            options={"idempotency_key": f"checkout-order-{order.id}"},
        )
    except stripe.StripeError as error:
        detail = error.user_message or "the payment service did not answer"
        raise CheckoutError(
            "We couldn't start the payment just now; you have not been charged. "
            f"Please try again in a moment. ({detail})"
        ) from None
    order.checkout_session_id, order.checkout_url = session.id, session.url
    db.session.flush()
    return session.url


def _session_params(user, product: Product, order: Order, success_url: str, cancel_url: str) -> dict:
    metadata = {"order_id": str(order.id), "user_id": str(user.id), "product_slug": product.slug}
    return {
        "mode": "payment",
        "line_items": [
            {
                "price_data": {
                    "currency": product.currency,
                    "unit_amount": product.price_cents,
                    "product_data": {"name": product.title, "metadata": {"product_slug": product.slug}},
                },
                "quantity": 1,
            }
        ],
        "client_reference_id": str(order.id),
        "customer_email": user.email,
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        "allow_promotion_codes": True,
        # Stripe fills in the session id; it must reach Stripe with its braces, so it is appended raw.
        "success_url": success_url + "?session_id={CHECKOUT_SESSION_ID}",
        "cancel_url": cancel_url,
    }
