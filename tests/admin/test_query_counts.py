"""The dashboard, the order list and the learner search cost the same number of queries for 10 orders as
for 10,000."""

import pytest
from sqlalchemy import insert, select

from coursehub.billing.models import LedgerEntry, LedgerKind, Order, OrderStatus
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from tests.factories import make_product, make_user

PAGES = (
    "/admin/?period=30d",
    "/admin/orders",
    "/admin/orders?status=paid&email=buyer",
    "/admin/learners?q=buyer",
)


def add_orders(app, product_id: int, user_id: int, count: int, start: int) -> None:
    now = utcnow()
    with app.app_context():
        first_id = (db.session.scalar(select(Order.id).order_by(Order.id.desc()).limit(1)) or 0) + 1
        db.session.execute(
            insert(Order),
            [
                {
                    "id": first_id + n,
                    "user_id": user_id,
                    "product_id": product_id,
                    "status": OrderStatus.PAID,
                    "list_price_cents": 4900,
                    "amount_paid_cents": 4900,
                    "currency": "usd",
                    "created_at": now,
                    "paid_at": now,
                }
                for n in range(count)
            ],
        )
        db.session.execute(
            insert(LedgerEntry),
            [
                {
                    "order_id": first_id + n,
                    "product_id": product_id,
                    "kind": LedgerKind.CHARGE,
                    "amount_cents": 4900,
                    "currency": "usd",
                    "stripe_ref": f"ch_{start + n}",
                    "created_at": now,
                }
                for n in range(count)
            ],
        )
        db.session.commit()


def queries_per_page(admin_client, count_queries) -> dict[str, int]:
    counts = {}
    for path in PAGES:
        with count_queries:
            assert admin_client.get(path).status_code == 200, path
        counts[path] = count_queries.count
    return counts


@pytest.mark.parametrize("many", [10_000])
def test_pages_cost_a_fixed_number_of_queries(app, admin_client, course, count_queries, many):
    product_id = make_product(app, [course], slug="bulk", price=4900)
    buyer = make_user(app, email="buyer@example.com")
    add_orders(app, product_id, buyer.id, 10, 0)
    few = queries_per_page(admin_client, count_queries)
    add_orders(app, product_id, buyer.id, many - 10, 10)
    assert queries_per_page(admin_client, count_queries) == few
    assert 'data-figure="charged"><th scope="row">Charged</th><td>$490000<' in admin_client.get(
        "/admin/?period=30d"
    ).get_data(as_text=True)
