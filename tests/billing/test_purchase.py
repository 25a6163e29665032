"""Buying a course: checkout, payment on Stripe's page, fulfillment by webhook and success page."""

from sqlalchemy import select

from coursehub.billing.ledger import net_revenue_cents
from coursehub.billing.models import LedgerEntry, LedgerKind, Order, OrderStatus
from coursehub.core.extensions import db
from coursehub.learning.models import Entitlement
from tests.billing.shop import stripe_fee
from tests.factories import make_course, make_product, make_user
from tests.helpers import count_rows, lesson_url, page_text


def orders(app) -> list[Order]:
    with app.app_context():
        found = list(db.session.scalars(select(Order).order_by(Order.id)))
        db.session.expunge_all()
        return found


def test_buy_pay_and_the_webhook_opens_the_course(app, auth, shop, course, mailbox):
    user = make_user(app)
    auth.login(user.email, user.password)
    assert auth.client.get(lesson_url(course)).status_code == 403

    pay_url = shop.checkout(course.slug)
    assert pay_url.startswith(shop.fake.base_url + "/checkout/pay/cs_test_")
    paid = shop.pay(pay_url)
    assert paid.status_code == 303 and "/checkout/success?session_id=cs_test_" in paid.headers["Location"]
    assert shop.deliver_all() == [200]

    assert auth.client.get(lesson_url(course)).status_code == 200
    [order] = orders(app)
    assert (order.status, order.amount_paid_cents, order.list_price_cents) == (OrderStatus.PAID, 4900, 4900)
    with app.app_context():
        assert net_revenue_cents() == 4900 - stripe_fee(4900)
    [receipt] = mailbox.to(user.email)
    assert "receipt" in receipt["Subject"].lower()
    body = receipt.get_body(preferencelist=("plain",)).get_content()
    assert f"Order number: {order.id}" in body and "$49" in body and "Pelvic Basics" in body


def test_the_success_page_fulfils_when_the_webhook_is_late_and_both_grant_once(
    app, auth, shop, course, mailbox
):
    user = make_user(app)
    auth.login(user.email, user.password)
    pay_url = shop.checkout(course.slug)
    success = shop.pay(pay_url).headers["Location"]
    page = auth.client.get(success.split(shop.fake.base_url)[-1].replace("http://school.test", ""))
    assert "is yours" in page_text(page)
    assert shop.deliver_all() == [200]
    assert count_rows(app, Entitlement, user_id=user.id) == 1
    assert count_rows(app, LedgerEntry, LedgerEntry.kind == LedgerKind.CHARGE) == 1
    assert count_rows(app, LedgerEntry, LedgerEntry.kind == LedgerKind.FEE) == 1
    assert len(mailbox.to(user.email)) == 1


def test_the_free_course_never_reaches_stripe(app, auth, shop):
    free = make_course(app, free=True)
    user = make_user(app)
    auth.login(user.email, user.password)
    response = shop.buy(f"/courses/{free.slug}/buy", f"/courses/{free.slug}")
    assert response.status_code == 404
    assert orders(app) == [] and shop.events() == []


def test_a_visitor_is_sent_to_log_in(app, client, shop, course):
    response = shop.buy(f"/courses/{course.slug}/buy", "/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")
    assert orders(app) == []


def test_buying_a_course_already_owned_goes_to_the_course(app, auth, shop, course):
    from tests.factories import grant

    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    response = shop.buy(f"/courses/{course.slug}/buy", f"/courses/{course.slug}")
    assert response.status_code == 302 and response.headers["Location"] == f"/courses/{course.slug}"
    assert orders(app) == []


def test_a_double_click_on_buy_reuses_the_order_and_session(app, auth, shop, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    assert shop.checkout(course.slug) == shop.checkout(course.slug)
    assert len(orders(app)) == 1


def test_an_unverified_learner_is_asked_to_confirm_first(app, auth, shop, course):
    user = make_user(app, verified=False)
    auth.login(user.email, user.password)
    response = shop.buy(f"/courses/{course.slug}/buy", f"/courses/{course.slug}")
    assert response.status_code == 302
    assert "confirm your email" in page_text(auth.client.get(response.headers["Location"]))
    assert orders(app) == []


def test_the_price_comes_from_the_server_whatever_the_form_says(app, auth, shop, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    response = shop.buy(f"/courses/{course.slug}/buy", f"/courses/{course.slug}", amount="100", price="1")
    shop.pay(response.headers["Location"])
    shop.deliver_all()
    assert orders(app)[0].amount_paid_cents == 4900


def test_a_paid_amount_that_differs_from_the_order_grants_nothing(app, auth, shop, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    pay_url = shop.checkout(course.slug)
    with app.app_context():  # as if the session had been made for another price
        db.session.query(Order).update({"list_price_cents": 2900})
        db.session.commit()
    shop.pay(pay_url)
    assert shop.deliver_all() == [200]
    assert orders(app)[0].status is OrderStatus.MISMATCH
    assert auth.client.get(lesson_url(course)).status_code == 403


def test_a_bundle_opens_each_of_its_courses(app, auth, shop):
    courses = [make_course(app, preview=()) for _ in range(3)]
    make_product(app, courses, slug="all-three", price=9900, bundle=True)
    user = make_user(app)
    auth.login(user.email, user.password)
    response = shop.buy("/bundles/all-three/buy", "/")
    shop.pay(response.headers["Location"])
    shop.deliver_all()
    for course in courses:
        assert auth.client.get(lesson_url(course)).status_code == 200


def test_a_bundle_buyer_who_owns_a_course_is_told_before_paying(app, auth, shop, course):
    from tests.factories import grant

    other = make_course(app, preview=())
    make_product(app, [course, other], slug="both", price=7900, bundle=True)
    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    response = shop.buy("/bundles/both/buy", "/")
    assert response.status_code == 200
    assert "You already own part of this bundle" in page_text(response)
    assert orders(app) == []
    confirmed = shop.buy("/bundles/both/buy", "/", confirm="yes")
    assert confirmed.status_code == 303


def test_a_stripe_error_becomes_a_message_on_the_course_page(app, auth, shop, course):
    app.extensions["coursehub.stripe"] = __import__("stripe").StripeClient(
        "sk_live_not_allowed_here", base_addresses={"api": shop.fake.base_url}, max_network_retries=0
    )
    user = make_user(app)
    auth.login(user.email, user.password)
    response = shop.buy(f"/courses/{course.slug}/buy", f"/courses/{course.slug}")
    assert response.status_code == 302
    page = page_text(auth.client.get(response.headers["Location"]))
    assert "We couldn't start the payment just now; you have not been charged." in page
    assert orders(app) == []


def test_cancel_comes_back_to_the_course_with_a_message(app, auth, shop, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    shop.checkout(course.slug)
    response = auth.client.get(f"/checkout/cancelled?next=/courses/{course.slug}", follow_redirects=True)
    assert "Checkout was cancelled: you have not been charged." in page_text(response)
    assert auth.client.get(lesson_url(course)).status_code == 403


def test_a_promotion_code_is_honoured_and_what_was_paid_is_recorded(app, auth, shop, course, mailbox):
    coupon = shop.http.post(f"{shop.fake.base_url}/v1/coupons", data={"percent_off": "20"}).json()
    shop.http.post(
        f"{shop.fake.base_url}/v1/promotion_codes",
        data={"promotion[type]": "coupon", "promotion[coupon]": coupon["id"], "code": "SPRING20"},
    )
    user = make_user(app)
    auth.login(user.email, user.password)
    pay_url = shop.checkout(course.slug)
    shop.pay(pay_url, action="apply_code", code="SPRING20")
    shop.pay(pay_url)
    shop.deliver_all()
    [order] = orders(app)
    assert (order.list_price_cents, order.amount_paid_cents) == (4900, 3920)
    with app.app_context():
        assert net_revenue_cents() == 3920 - stripe_fee(3920)
    receipt = mailbox.to(user.email)[0].get_body(preferencelist=("plain",)).get_content()
    assert "$39.20 (list price $49, discount applied)" in receipt
