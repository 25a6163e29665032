"""A whole history of sales through the Stripe stand-in, and the dashboard, order list and CSV checked to
the cent against figures worked out by hand here.

The history: two courses and a bundle; a 20%-off promotion code and a 100%-off code; a partial and a full
refund; a dispute won, one lost and one still open; a delayed payment that failed. The stand-in has no
Stripe Tax, so one order's ``tax_cents`` (and its charge line's) is set as fulfillment would from
``total_details.amount_tax`` (its $49 charge then holds $4 of tax). Fees are Stripe's 2.9% + 30 cents of
each charge.
"""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update

from coursehub.admin.periods import Period
from coursehub.admin.sales import summary
from coursehub.billing.models import LEDGER_SIGN, LedgerEntry, LedgerKind, Order
from coursehub.core.extensions import db
from tests.billing.shop import stripe_fee
from tests.factories import make_course, make_product, make_user
from tests.helpers import AuthActions, page_text


class History:
    def __init__(self, app, shop):
        self.app, self.shop = app, shop
        self.auth = AuthActions(shop.client)

    def buyer(self):
        if self.shop.client.get("/account").status_code == 200:
            self.auth.logout()
        user = make_user(self.app)
        self.auth.login(user.email, user.password)
        return user

    def buy(self, path: str, code: str | None = None, action: str = "pay") -> str:
        """:return: the checkout session id."""
        self.buyer()
        response = self.shop.buy(path, "/")
        assert response.status_code == 303, page_text(response)
        pay_url = response.headers["Location"]
        if code:
            self.shop.pay(pay_url, action="apply_code", code=code)
        self.shop.pay(pay_url, action=action)
        return self.shop.session_id(pay_url)

    def order(self, session_id: str) -> Order:
        with self.app.app_context():
            return db.session.scalar(select(Order).where(Order.checkout_session_id == session_id))

    def code(self, code: str, percent: int) -> None:
        base = self.shop.fake.base_url
        coupon = self.shop.http.post(f"{base}/v1/coupons", data={"percent_off": str(percent)}).json()
        self.shop.http.post(
            f"{base}/v1/promotion_codes",
            data={"promotion[type]": "coupon", "promotion[coupon]": coupon["id"], "code": code},
        )

    def dispute(self, session_id: str, outcome: str | None) -> None:
        opened = self.shop.control("POST", f"charges/{self.shop.charge_of(session_id)}/dispute")
        if outcome:
            self.shop.control("POST", f"disputes/{opened['id']}/close", status=outcome)


def at(order_id: int, when: datetime) -> None:
    """Move an order's money to a known instant (the test's only liberty, to place it around midnight)."""
    db.session.execute(update(Order).where(Order.id == order_id).values(created_at=when))
    db.session.execute(update(LedgerEntry).where(LedgerEntry.order_id == order_id).values(created_at=when))


def cents(minor: int) -> str:
    sign = "-" if minor < 0 else ""
    minor = abs(minor)
    whole, part = divmod(minor, 100)
    return f"{sign}${whole}" if part == 0 else f"{sign}${whole}.{part:02d}"


def figure(page: str, key: str) -> tuple[str, str]:
    marker = f'data-figure="{key}">'
    row = page[page.index(marker) :]
    cells = row[: row.index("</tr>")].split("<td>")[1:]
    return cells[0].split("<")[0], cells[1].split("<")[0]


@pytest.fixture
def history(app, shop):
    a = make_course(app, preview=(), title="Course A")
    b = make_course(app, preview=(), title="Course B")
    make_product(app, [a], slug=a.slug, price=4900, title="Course A")
    make_product(app, [b], slug=b.slug, price=7900, title="Course B")
    make_product(app, [a, b], slug="both", price=9900, bundle=True, title="A and B")
    run = History(app, shop)
    run.code("SAVE20", 20)
    run.code("FREE100", 100)
    sessions = {
        "taxed": run.buy(f"/courses/{a.slug}/buy"),
        "promo": run.buy(f"/courses/{b.slug}/buy", code="SAVE20"),
        "bundle": run.buy("/bundles/both/buy"),
        "free": run.buy(f"/courses/{a.slug}/buy", code="FREE100"),
        "refunded": run.buy(f"/courses/{b.slug}/buy"),
        "won": run.buy(f"/courses/{a.slug}/buy"),
        "lost": run.buy(f"/courses/{a.slug}/buy"),
        "open": run.buy(f"/courses/{a.slug}/buy"),
        "failed": run.buy(f"/courses/{a.slug}/buy", action="pay_delayed"),
    }
    shop.control("POST", f"checkout/sessions/{sessions['failed']}/async_payment/fail")
    shop.refund(sessions["bundle"], 3000)
    shop.refund(sessions["refunded"])
    run.dispute(sessions["won"], "won")
    run.dispute(sessions["lost"], "lost")
    run.dispute(sessions["open"], None)
    shop.deliver_all()
    orders = {name: run.order(session) for name, session in sessions.items()}
    with app.app_context():
        # Fulfillment writes total_details.amount_tax on the order and on the charge line it records.
        db.session.execute(update(Order).where(Order.id == orders["taxed"].id).values(tax_cents=400))
        db.session.execute(
            update(LedgerEntry)
            .where(LedgerEntry.order_id == orders["taxed"].id, LedgerEntry.kind == LedgerKind.CHARGE)
            .values(tax_cents=400)
        )
        # Around midnight UTC on 10/11 March 2026 (Berlin is UTC+1 then, New York UTC-4).
        at(orders["taxed"].id, datetime(2026, 3, 10, 23, 30, tzinfo=UTC))
        at(orders["promo"].id, datetime(2026, 3, 11, 0, 30, tzinfo=UTC))
        db.session.commit()
    return orders


def test_the_dashboard_matches_the_hand_worked_figures(history, admin_client):
    charged = 4900 + 6320 + 9900 + 0 + 7900 + 4900 + 4900 + 4900
    fees = sum(stripe_fee(amount) for amount in (4900, 6320, 9900, 7900, 4900, 4900, 4900))
    refunds = 3000 + 7900
    expected = {
        "charged": charged,
        "discounts": 1580 + 4900,
        "tax": 400,
        "gross": charged - 400 + 1580 + 4900,
        "fees": fees,
        "refunds": refunds,
        "disputes_lost": 4900,
        "disputes_at_risk": 4900,
        # The won dispute's 4900 went out and came back; the lost and the open one are out.
        "net": charged - fees - refunds - 4900 - 4900,
        "average_order": round(charged / 8),
    }
    page = admin_client.get("/admin/?period=custom&from=2026-03-01&to=2026-12-31").get_data(as_text=True)
    for key, minor in expected.items():
        assert figure(page, key)[0] == cents(minor), key
    assert figure(page, "orders")[0] == "8"  # the failed payment is no order; the free one is


@pytest.mark.parametrize(
    ("zone", "day", "charged"),
    [
        ("UTC", "2026-03-10", 4900),
        ("UTC", "2026-03-11", 6320),
        ("Europe/Berlin", "2026-03-10", 0),
        ("Europe/Berlin", "2026-03-11", 4900 + 6320),
        ("America/New_York", "2026-03-10", 4900 + 6320),
        ("America/New_York", "2026-03-11", 0),
    ],
)
def test_a_day_is_a_day_in_the_schools_time_zone(app, history, admin_client, zone, day, charged):
    app.config["SCHOOL_TIMEZONE"] = zone
    page = admin_client.get(f"/admin/?period=custom&from={day}&to={day}").get_data(as_text=True)
    if charged:
        assert figure(page, "charged")[0] == cents(charged)
    else:
        assert "No money moved in this period." in page


def test_the_order_list_and_csv_agree_with_the_history(history, admin_client):
    expected = {
        "paid": {"taxed", "promo", "free"},
        "partially refunded": {"bundle"},
        "refunded": {"refunded"},
        "disputed": {"won", "lost", "open"},
        "failed": {"failed"},
    }
    for status, names in expected.items():
        page = admin_client.get(f"/admin/orders?status={status}").get_data(as_text=True)
        assert f"<p>{len(names)} order" in page, status
        for name in names:
            assert f'/admin/orders/{history[name].id}"' in page, (status, name)
    csv = admin_client.get("/admin/orders.csv?period=custom&from=2026-03-01&to=2026-12-31").get_data(
        as_text=True
    )
    lines = csv.splitlines()
    assert lines[0].startswith("order_id,created_at_utc,paid_at_utc,status,buyer_email,product,currency")
    by_id = {int(line.split(",")[0]): line.split(",") for line in lines[1:]}
    promo = by_id[history["promo"].id]
    assert promo[1] == "2026-03-11T00:30:00Z"
    assert promo[6:12] == ["USD", "79.00", "15.80", "0.00", "63.20", "0.00"]
    assert by_id[history["bundle"].id][3] == "partially refunded"
    assert by_id[history["bundle"].id][11] == "30.00"
    ledger = admin_client.get("/admin/ledger.csv?period=custom&from=2026-03-01&to=2026-12-31").get_data(
        as_text=True
    )
    signed = sum(int(row.split(",")[6].replace(".", "")) for row in ledger.splitlines()[1:])
    charged = 6320 + 9900 + 7900 + 4900 * 4
    fees = sum(stripe_fee(amount) for amount in (4900, 6320, 9900, 7900, 4900, 4900, 4900))
    assert signed == charged - fees - 10900 - 4900 - 4900


PERIODS = [
    ("2026-03-11", "2026-12-31", "UTC", "month"),  # the 10 March sale falls in the previous period
    ("2026-03-10", "2026-03-11", "Europe/Berlin", "day"),
    ("2025-01-01", "2026-12-31", "America/New_York", "day"),  # more days than buckets are drawn
]


def test_every_sum_of_the_one_query_matches_the_ledger_line_by_line(app, history):
    """The figures, the previous period, the products and the buckets, against sums made in Python from
    every ledger line (its sign from LEDGER_SIGN, its period and bucket from the bounds), for each of
    PERIODS over one history (building the history is the slow part)."""
    for first, last, zone, grouping in PERIODS:
        check_summary_line_by_line(app, first, last, zone, grouping)


def check_summary_line_by_line(app, first, last, zone, grouping):
    period = Period(date.fromisoformat(first), date.fromisoformat(last), ZoneInfo(zone), "test")
    with app.app_context():
        result = summary(period, grouping)
        lines = db.session.execute(
            select(LedgerEntry, Order).join(Order, Order.id == LedgerEntry.order_id)
        ).all()
    bounds = period.buckets(grouping)
    expected_net = {"now": {}, "before": {}}
    products, buckets = {}, {}
    for entry, order in lines:
        moment, signed = entry.created_at, LEDGER_SIGN[entry.kind] * entry.amount_cents
        if period.previous().start <= moment < period.start:
            which = "before"
        elif period.start <= moment < period.end:
            which = "now"
        else:
            continue
        sums = expected_net[which]
        sums[entry.currency] = sums.get(entry.currency, 0) + signed
        if which == "before":
            continue
        charged = entry.amount_cents if entry.kind is LedgerKind.CHARGE else 0
        refunded = entry.amount_cents if entry.kind is LedgerKind.REFUND else 0
        key = (order.product_id, entry.currency)
        products[key] = [
            a + b
            for a, b in zip(
                products.get(key, [0, 0, 0, 0]),
                [entry.kind is LedgerKind.CHARGE, charged, refunded, signed],
                strict=True,
            )
        ]
        index = next((i for i, (_label, start, end) in enumerate(bounds) if start <= moment < end), None)
        if index is not None:
            key = (index, entry.currency)
            buckets[key] = [
                a + b for a, b in zip(buckets.get(key, [0, 0, 0]), [charged, refunded, signed], strict=True)
            ]

    assert {c: f.net for c, f in result.now.items()} == expected_net["now"]
    assert {c: f.net for c, f in result.before.items()} == expected_net["before"]
    assert {
        (p.product_id, p.currency): [p.orders, p.charged, p.refunds, p.net] for p in result.products
    } == products
    drawn = {
        (i, c): [b.charged[c], b.refunds[c], b.net[c]] for i, b in enumerate(result.buckets) for c in b.net
    }
    assert drawn == buckets
    assert expected_net["now"], "the period holds sales, so the comparison means something"
