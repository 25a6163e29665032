"""``flask demo sales``: weeks of sample sales made through the Stripe stand-in, never in production."""

import pytest
from sqlalchemy import func, select

from coursehub.billing.models import LedgerEntry, LedgerKind, Order, OrderStatus
from coursehub.core.db_types import utcnow
from coursehub.core.extensions import db
from tests.billing.shop import API_KEY, WEBHOOK_SECRET
from tests.factories import make_course, make_product
from tests.helpers import free_port


@pytest.fixture
def app_settings():
    """A port of its own: the command starts the stand-in there for as long as it runs."""
    return {
        "STRIPE_SECRET_KEY": API_KEY,
        "STRIPE_API_BASE": f"http://127.0.0.1:{free_port()}",
        "STRIPE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }


def test_demo_sales_spread_paid_orders_with_fees_and_refunds_over_past_weeks(app, runner, admin_client):
    course = make_course(app, preview=(), title="Demo Course")
    make_product(app, [course], slug=course.slug, price=4900)
    result = runner.invoke(args=["demo", "sales", "--weeks", "3"])
    assert result.exit_code == 0, result.output
    assert "sample sales:" in result.output and "orders over the past 3 weeks" in result.output
    with app.app_context():
        paid = db.session.scalar(select(func.count()).where(Order.status == OrderStatus.PAID))
        kinds = set(db.session.scalars(select(LedgerEntry.kind)))
        oldest = db.session.scalar(select(func.min(Order.created_at)))
    assert paid >= 10
    assert {LedgerKind.CHARGE, LedgerKind.FEE, LedgerKind.REFUND} <= kinds
    assert (utcnow() - oldest).days >= 7
    page = admin_client.get("/admin/?period=30d").get_data(as_text=True)
    assert 'data-figure="fees"' in page and "No money moved" not in page
    again = runner.invoke(args=["demo", "sales"])
    assert again.exit_code == 0 and "skipped, the demo sales exist already" in again.output


def test_demo_sales_are_refused_in_production(app, runner):
    app.config["COURSEHUB_ENV"] = "production"
    result = runner.invoke(args=["demo", "sales"])
    assert result.exit_code == 2 and "never made in production" in result.output
