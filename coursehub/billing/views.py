"""Buy buttons, the success page, the cancel path, and the learner's purchase history and receipts."""

import stripe
from flask import Response, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from coursehub.billing import bp
from coursehub.billing.checkout import AlreadyOwned, CheckoutError, OverlapsOwned, start_checkout
from coursehub.billing.fulfillment import fulfill_checkout
from coursehub.billing.models import Order, OrderStatus, Product, ProductKind
from coursehub.billing.money import format_price
from coursehub.billing.receipts import owned_order, purchases_of, receipt_for
from coursehub.billing.stripe_client import payments_enabled
from coursehub.core.extensions import db
from coursehub.core.requests import safe_next
from coursehub.core.templating import external_url


@bp.app_template_filter("price")
def price_filter(minor: int, currency: str) -> str:
    return format_price(minor, currency)


def _product(slug: str, kind: ProductKind) -> Product:
    product = db.session.scalar(
        select(Product).where(Product.slug == slug, Product.kind == kind, Product.archived_at.is_(None))
    )
    if product is None or not payments_enabled():
        abort(404)
    return product


def _buy(product: Product, back_to: str):
    try:
        checkout_url = start_checkout(
            current_user,
            product,
            external_url("billing.success"),
            external_url("billing.cancelled", next=back_to),
            overlap_confirmed=request.form.get("confirm") == "yes",
        )
    except AlreadyOwned as owned:
        db.session.rollback()
        flash(str(owned), "info")
        return redirect(url_for("catalog.course", slug=owned.course.slug))
    except OverlapsOwned as overlap:
        db.session.rollback()
        return render_template("billing/confirm_bundle.html", product=product, owned=overlap.owned)
    except CheckoutError as error:
        db.session.rollback()
        flash(str(error), "error")
        return redirect(back_to)
    db.session.commit()
    return redirect(checkout_url, code=303)


@bp.post("/courses/<slug>/buy")
@login_required
def checkout(slug: str):
    """The course page's Buy button: one paid course."""
    product = _product(slug, ProductKind.COURSE)
    return _buy(product, url_for("catalog.course", slug=slug))


@bp.post("/bundles/<slug>/buy")
@login_required
def checkout_bundle(slug: str):
    product = _product(slug, ProductKind.BUNDLE)
    return _buy(product, url_for("catalog.index"))


@bp.get("/checkout/success")
@login_required
def success():
    """Where Stripe sends the learner after paying. It fulfils too, in case the webhook is slow."""
    session_id = request.args.get("session_id", "")
    order = db.session.scalar(select(Order).where(Order.checkout_session_id == session_id))
    if order is None or order.user_id != current_user.id:
        abort(404)
    if order.status is OrderStatus.PENDING:
        try:
            fulfill_checkout(session_id)
            db.session.commit()
        except stripe.StripeError:
            db.session.rollback()  # the webhook will finish it; the page says "processing" meanwhile
    return render_template("billing/success.html", order=order, courses=order.product.courses)


@bp.get("/checkout/cancelled")
@login_required
def cancelled():
    flash("Checkout was cancelled: you have not been charged.", "info")
    return redirect(safe_next(request.args.get("next")) or url_for("catalog.index"))


def _private(page: str) -> Response:
    response = make_response(page)
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/account/purchases")
@login_required
def purchases():
    return _private(render_template("billing/purchases.html", orders=purchases_of(current_user)))


@bp.get("/account/purchases/<int:order_id>/receipt")
@login_required
def receipt(order_id: int):
    """A printable receipt; another learner's order is a 404, so order numbers reveal nothing."""
    order = owned_order(current_user, order_id)
    if order is None:
        abort(404)
    return _private(render_template("billing/receipt.html", receipt=receipt_for(order)))
