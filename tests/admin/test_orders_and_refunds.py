"""Finding an order, refunding it from its page (confirmed, once per form), and the figures to the cent."""

import re

from sqlalchemy import select

from coursehub.billing.models import LedgerEntry, LedgerKind, RefundRequest
from coursehub.core.audit import AuditEntry
from coursehub.core.extensions import db
from tests.billing.shop import stripe_fee
from tests.factories import make_user
from tests.helpers import AuthActions, csrf_token_from, lesson_url, only_order, page_text


def buy(app, client, shop, course, email=None):
    user = make_user(app, email=email)
    auth = AuthActions(client)
    if client.get("/account").status_code == 200:  # the shop's client is still the previous buyer
        auth.logout()
    auth.login(user.email, user.password)
    shop.pay(shop.checkout(course.slug))
    shop.deliver_all()
    return user


def refund_form(admin_client, order_id: int, amount: str, reason: str) -> dict:
    page = admin_client.get(f"/admin/orders/{order_id}").get_data(as_text=True)
    nonce = re.search(r'name="nonce"[^>]*value="([0-9a-f]+)"', page).group(1)
    return {"csrf_token": csrf_token_from(page), "nonce": nonce, "amount": amount, "reason": reason}


def test_the_admin_finds_an_order_by_the_buyers_email(app, client, admin_client, shop, course):
    buyer = buy(app, client, shop, course, email="zoe.buyer@example.com")
    page = page_text(admin_client.get("/admin/orders?email=ZOE.buyer&status=paid"))
    order = only_order(app)
    assert f"#{order.id}" in page and buyer.email in page and "1 order." in page
    assert "0 orders." in page_text(admin_client.get("/admin/orders?email=nobody"))
    assert "0 orders." in page_text(admin_client.get("/admin/orders?status=refunded"))


def test_a_partial_refund_is_confirmed_then_made_once_and_audited(app, client, admin_client, shop, course):
    buy(app, client, shop, course)
    order = only_order(app)
    form = refund_form(admin_client, order.id, "10.50", "course did not suit")
    review = page_text(admin_client.post(f"/admin/orders/{order.id}/refund", data=form))
    assert 'id="remaining">$49</strong> can still be refunded.' in review
    assert 'Refund <strong id="asked">$10.50</strong>' in review
    with app.app_context():
        assert db.session.scalar(select(RefundRequest.id)) is None  # nothing happens before the confirmation
    for _ in range(3):  # a double (triple) submit of the same form
        response = admin_client.post(f"/admin/orders/{order.id}/refund", data={**form, "step": "refund"})
        assert response.status_code == 303
    assert len(shop.events("refund.created")) == 1
    page = page_text(admin_client.get(f"/admin/orders/{order.id}"))
    assert "partially refunded" in page and "-$10.50" in page
    assert client.get(lesson_url(course)).status_code == 200  # the learner keeps access
    with app.app_context():
        audit = db.session.scalars(select(AuditEntry)).one()
        assert (audit.action, audit.target_id, audit.reason) == (
            "order.refund",
            order.id,
            "course did not suit",
        )
        assert audit.details["amount_cents"] == 1050
    shop.deliver_all()
    with app.app_context():
        kinds = [e.kind for e in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]
    assert kinds == [LedgerKind.CHARGE, LedgerKind.FEE, LedgerKind.REFUND]
    timeline = admin_client.get(f"/admin/orders/{order.id}").get_data(as_text=True)
    timeline = timeline[timeline.index('id="events"') :]
    assert timeline.index("checkout.session.completed") < timeline.index("charge.refunded")


def test_refunding_the_rest_ends_access(app, client, admin_client, shop, course):
    buy(app, client, shop, course)
    order = only_order(app)
    admin_client.post(
        f"/admin/orders/{order.id}/refund",
        data={**refund_form(admin_client, order.id, "20", "part"), "step": "refund"},
    )
    admin_client.post(
        f"/admin/orders/{order.id}/refund",
        data={**refund_form(admin_client, order.id, "", "the rest"), "step": "refund"},
    )
    assert "refunded" in page_text(admin_client.get("/admin/orders?status=refunded"))
    assert client.get(lesson_url(course)).status_code == 403


def test_a_refund_of_more_than_remains_is_refused_and_changes_nothing(
    app, client, admin_client, shop, course
):
    buy(app, client, shop, course)
    order = only_order(app)
    form = {**refund_form(admin_client, order.id, "50", "too much"), "step": "refund"}
    response = admin_client.post(f"/admin/orders/{order.id}/refund", data=form, follow_redirects=True)
    assert "can still be refunded" in page_text(response)
    assert shop.events("refund.created") == []


def test_the_dashboard_and_csv_show_the_sales_to_the_cent(app, client, admin_client, shop, course):
    buy(app, client, shop, course)
    buy(app, client, shop, course)
    order_id = int(
        re.search(r"/admin/orders/(\d+)", admin_client.get("/admin/orders").get_data(as_text=True))[1]
    )
    admin_client.post(
        f"/admin/orders/{order_id}/refund",
        data={**refund_form(admin_client, order_id, "9.99", "partial"), "step": "refund"},
    )
    page = page_text(admin_client.get("/admin/?period=today"))
    fee = stripe_fee(4900)
    expected = {
        "gross": "$98",
        "charged": "$98",
        "fees": f"${2 * fee // 100}.{2 * fee % 100:02d}",
        "refunds": "$9.99",
        "net": f"${(9800 - 999 - 2 * fee) // 100}.{(9800 - 999 - 2 * fee) % 100:02d}",
    }
    for key, value in expected.items():
        row = re.search(rf'data-figure="{key}"><th scope="row">[^<]+</th><td>([^<]+)</td>', page)
        assert row and row[1] == value, (key, row and row[1], value)
    csv = admin_client.get("/admin/ledger.csv?period=today")
    assert csv.headers["Content-Disposition"].startswith("attachment;")
    lines = csv.get_data(as_text=True).splitlines()
    assert lines[0] == "entry_id,created_at_utc,order_id,kind,currency,amount,signed_amount,stripe_ref"
    assert sum(",refund,USD,9.99,-9.99," in line for line in lines) == 1
    assert sum(",charge,USD,49.00,49.00," in line for line in lines) == 2
