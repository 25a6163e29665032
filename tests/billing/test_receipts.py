"""The learner's purchase history and printable receipts, from a real checkout against the stand-in."""

import pytest

from tests.factories import make_user
from tests.helpers import only_order, page_text


@pytest.fixture
def app_settings(app_settings):
    return {
        **app_settings,
        "SCHOOL_NAME": "Back Care School Ltd",
        "SCHOOL_ADDRESS": "1 Quay Street;Bristol BS1",
    }


@pytest.fixture
def buyer(app, auth):
    user = make_user(app)
    auth.login(user.email, user.password)
    return user


def buy_with_code(shop, course, code: str | None = None):
    pay_url = shop.checkout(course.slug)
    if code:
        shop.pay(pay_url, action="apply_code", code=code)
    shop.pay(pay_url)
    shop.deliver_all()
    return pay_url


def test_the_receipt_shows_seller_date_item_discount_card_and_refunds(app, runner, auth, shop, course, buyer):
    coupon = shop.http.post(f"{shop.fake.base_url}/v1/coupons", data={"percent_off": "20"}).json()
    shop.http.post(
        f"{shop.fake.base_url}/v1/promotion_codes",
        data={"promotion[type]": "coupon", "promotion[coupon]": coupon["id"], "code": "SPRING20"},
    )
    buy_with_code(shop, course, "SPRING20")
    order = only_order(app, with_product=True)
    assert runner.invoke(args=["orders", "refund", str(order.id), "--amount", "10", "--yes"]).exit_code == 0

    history = page_text(auth.client.get("/account/purchases"))
    assert order.product.title in history and "$39.20" in history and "$10" in history
    response = auth.client.get(f"/account/purchases/{order.id}/receipt")
    body = page_text(response)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "private, no-store"
    assert "<strong>Back Care School Ltd</strong><br>1 Quay Street<br>Bristol BS1" in body
    assert order.paid_at.strftime("%-d %B %Y") in body
    for row in (
        f"{order.product.title}</th><td>$49",
        "Discount</th><td>\u2212$9.80",
        "Total paid</th><td>$39.20",
        "</th><td>\u2212$10</td>",
        "Net paid</th><td>$29.20",
    ):
        assert row in body, row
    assert "ending in 4242" in body


def test_another_learners_receipt_and_unpaid_orders_are_not_found(app, auth, shop, course, buyer):
    shop.checkout(course.slug)  # started, never paid
    pending = only_order(app)
    assert auth.client.get(f"/account/purchases/{pending.id}/receipt").status_code == 404
    assert "You haven't bought a course yet" in page_text(auth.client.get("/account/purchases"))
    shop.pay(shop.checkout(course.slug))
    shop.deliver_all()
    auth.logout()
    stranger = make_user(app)
    auth.login(stranger.email, stranger.password)
    assert auth.client.get(f"/account/purchases/{pending.id}/receipt").status_code == 404
    assert auth.client.get("/account/purchases/99999999999999999999/receipt").status_code == 404
