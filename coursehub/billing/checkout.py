"""Starting a Stripe Checkout for a product, with the price from the server and one open checkout.

A learner has at most one pending order per product (a partial unique index): parallel Buy clicks meet
there, and the losers reuse the winner's session. A pending order whose session Stripe has expired or
no longer knows is closed and replaced, so a dead pay page never blocks buying.
"""

from __future__ import annotations

import logging

import stripe
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from coursehub.billing.models import Order, OrderStatus, Product, ProductKind
from coursehub.billing.stripe_client import stripe_client
from coursehub.core.extensions import db
from coursehub.learning.access import has_active_entitlement
from coursehub.learning.enrollment import standing_hold

log = logging.getLogger("coursehub.billing")


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
    held = [course for course in product.courses if standing_hold(user, course) is not None]
    if held:
        raise CheckoutError(
            f"Your access to {held[0].title} is on hold; please write to us rather than buying it again."
        )
    owned = owned_courses(user, product)
    if owned and (product.kind is ProductKind.COURSE or len(owned) == len(product.courses)):
        raise AlreadyOwned(owned[0])
    if owned and not overlap_confirmed:
        raise OverlapsOwned(owned)


def start_checkout(
    user, product: Product, success_url: str, cancel_url: str, overlap_confirmed: bool = False
) -> str:
    """Create (or reuse) the learner's open checkout for ``product``. :return: the URL to send them to.

    The new order's row holds the one-open-checkout slot while its session is created, so a parallel
    click waits on the index for at most the Stripe timeout and then reuses that session.

    :raise CheckoutError: unverified email, a purchase rule (``check_purchase``), a payment still being
        processed, or Stripe refused; the order is then not kept.
    """
    if not user.is_verified:
        raise CheckoutError("Please confirm your email address before buying: we send your receipt there.")
    check_purchase(user, product, overlap_confirmed)
    pending = _pending_order(user, product)
    if pending is not None:
        url = _payable_url(pending)
        if url is not None:
            return url
    order = Order(
        user_id=user.id,
        product_id=product.id,
        list_price_cents=product.price_cents,
        currency=product.currency,
    )
    try:
        with db.session.begin_nested():
            db.session.add(order)
    except IntegrityError:  # a parallel click holds the slot, and has committed its session by now
        twin = _pending_order(user, product)
        if twin is None or twin.checkout_url is None:
            raise CheckoutError("Your checkout is starting in another tab; please try again.") from None
        return twin.checkout_url
    try:
        session = stripe_client().v1.checkout.sessions.create(
            params=_session_params(user, product, order, success_url, cancel_url)
        )  # the SDK's own idempotency key covers its retries; an order-id key would outlive a DB reset
    except stripe.StripeError as error:
        detail = error.user_message or "the payment service did not answer"
        raise CheckoutError(
            "We couldn't start the payment just now; you have not been charged. "
            f"Please try again in a moment. ({detail})"
        ) from None
    order.checkout_session_id, order.checkout_url = session.id, session.url
    db.session.flush()
    return session.url


def _pending_order(user, product: Product) -> Order | None:
    return db.session.scalar(
        select(Order).where(
            Order.user_id == user.id, Order.product_id == product.id, Order.status == OrderStatus.PENDING
        )
    )


def _payable_url(order: Order) -> str | None:
    """The pending order's pay page while its session is open; otherwise close the order (None).

    :raise CheckoutError: the session is complete: the payment is being processed, so no second one.
    """
    try:
        session = stripe_client().v1.checkout.sessions.retrieve(order.checkout_session_id)
    except stripe.InvalidRequestError as error:
        if error.http_status != 404:
            raise CheckoutError("We couldn't reach the payment service; please try again.") from None
        log.warning("Order %s: Stripe no longer knows session %s", order.id, order.checkout_session_id)
        session = None
    except stripe.StripeError:
        raise CheckoutError("We couldn't reach the payment service; please try again.") from None
    if session is not None and session.status == "open":
        return order.checkout_url
    if session is not None and session.status == "complete":
        raise CheckoutError("Your payment for this is being processed; it opens as soon as it is confirmed.")
    order.status = OrderStatus.EXPIRED
    order.note = (
        "its checkout session expired" if session is not None else "Stripe no longer knows its session"
    )
    db.session.flush()
    return None


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
