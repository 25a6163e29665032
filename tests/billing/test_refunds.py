"""Refunds from the school (flask orders refund) and catching up on missed events (flask stripe reconcile)."""

import pytest
from sqlalchemy import func, select

from coursehub.billing.ledger import net_revenue_cents
from coursehub.billing.models import AccessState, LedgerEntry, LedgerKind, Order
from coursehub.billing.refunds import RefundError, refund_order
from coursehub.core.extensions import db
from tests.factories import make_user
from tests.helpers import lesson_url, only_order


def refunds_at_stripe(shop) -> int:
    return len(shop.events("refund.created"))


@pytest.fixture
def bought(app, auth, shop, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    shop.pay(shop.checkout(course.slug))
    shop.deliver_all()
    return only_order(app)


def test_a_partial_refund_keeps_access_and_is_recorded(app, runner, auth, shop, course, bought):
    result = runner.invoke(args=["orders", "refund", str(bought.id), "--amount", "10.50"])
    assert result.exit_code == 0, result.output
    assert "$10.50 refunded in all; access is active" in result.output
    assert auth.client.get(lesson_url(course)).status_code == 200
    with app.app_context():
        assert net_revenue_cents() == 4900 - 1050
        kinds = [entry.kind for entry in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]
    assert kinds == [LedgerKind.CHARGE, LedgerKind.REFUND]


def test_a_full_refund_revokes_access_and_tells_the_learner(app, runner, auth, shop, course, bought, mailbox):
    assert runner.invoke(args=["orders", "refund", str(bought.id)]).exit_code == 0
    assert only_order(app).access is AccessState.REVOKED
    assert auth.client.get(lesson_url(course)).status_code == 403
    assert any("has ended" in message["Subject"] for message in mailbox.messages)
    shop.deliver_all()  # Stripe's own refund events arrive later and change nothing more
    with app.app_context():
        assert net_revenue_cents() == 0
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 2


def test_a_double_click_refunds_once(app, shop, bought):
    with app.app_context():
        first = db.session.get(Order, bought.id)
        refund_order(first, 1000)
        db.session.rollback()  # as if the second click read the order before the first finished
        refund_order(db.session.get(Order, bought.id), 1000, request_key="form-nonce-1")
        refund_order(db.session.get(Order, bought.id), 1000, request_key="form-nonce-1")
        db.session.commit()
    assert refunds_at_stripe(shop) == 2  # the first call, and one for the repeated form nonce


def test_asking_for_more_than_remains_is_refused_with_a_clear_message(app, runner, shop, bought):
    runner.invoke(args=["orders", "refund", str(bought.id), "--amount", "40"])
    result = runner.invoke(args=["orders", "refund", str(bought.id), "--amount", "10"])
    assert result.exit_code == 2
    expected = f"Error: Only $9 of order {bought.id} can still be refunded; $10 is more than that."
    assert result.output.strip() == expected
    assert refunds_at_stripe(shop) == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["orders", "refund", "999999"], "no order 999999"),
        (["orders", "refund", "{id}", "--amount", "ten"], "is not an amount"),
        (["orders", "refund", "{id}", "--amount", "1.005"], "at most two decimals"),
        (["orders", "refund", "{id}", "--amount", "-3"], "must be positive"),
    ],
)
def test_bad_refund_input_exits_2_with_one_line(app, runner, bought, args, message):
    result = runner.invoke(args=[a.format(id=bought.id) for a in args])
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1 and message in result.output


def test_refunding_an_unpaid_order_is_refused(app, auth, shop, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    shop.checkout(course.slug)
    with app.app_context(), pytest.raises(RefundError, match="has no payment to refund"):
        refund_order(db.session.scalars(select(Order)).one())


def test_reconcile_applies_the_events_the_webhook_missed(app, runner, auth, shop, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    shop.pay(shop.checkout(course.slug))  # paid, but no event was delivered
    assert auth.client.get(lesson_url(course)).status_code == 403
    result = runner.invoke(args=["stripe", "reconcile", "--since", "1d"])
    assert result.exit_code == 0, result.output
    assert "applied" in result.output
    assert auth.client.get(lesson_url(course)).status_code == 200
    again = runner.invoke(args=["stripe", "reconcile", "--since", "1d"])
    assert "Reconciled 0 event(s): nothing missed" in again.output


def test_reconcile_refuses_a_bad_period(runner):
    result = runner.invoke(args=["stripe", "reconcile", "--since", "a while"])
    assert result.exit_code == 2 and "write it like 30d or 12h" in result.output
