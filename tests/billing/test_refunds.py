"""Refunds from the school (flask orders refund) and catching up on missed events (flask stripe reconcile)."""

import pytest
from sqlalchemy import func, select

from coursehub.billing.ledger import net_revenue_cents, record
from coursehub.billing.models import AccessState, LedgerEntry, LedgerKind, Order, RefundRequest
from coursehub.billing.refunds import RefundError, refund_order, requested_refunds
from coursehub.core.extensions import db
from tests.billing.shop import stripe_fee
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
    result = runner.invoke(args=["orders", "refund", str(bought.id), "--amount", "10.50"], input="y\n")
    assert result.exit_code == 0, result.output
    assert "$49 can still be refunded. Refund $10.50? [y/N]" in result.output
    assert "$10.50 refunded in all; access is active" in result.output
    assert auth.client.get(lesson_url(course)).status_code == 200
    with app.app_context():
        assert net_revenue_cents() == 4900 - 1050 - stripe_fee(4900)
        kinds = [entry.kind for entry in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))]
    assert kinds == [LedgerKind.CHARGE, LedgerKind.FEE, LedgerKind.REFUND]


def test_the_refund_command_asks_first_and_does_nothing_without_a_yes(app, runner, shop, bought):
    result = runner.invoke(args=["orders", "refund", str(bought.id)], input="n\n")
    assert result.exit_code == 2 and "nothing refunded" in result.output
    assert refunds_at_stripe(shop) == 0


def test_a_full_refund_revokes_access_and_tells_the_learner(app, runner, auth, shop, course, bought, mailbox):
    assert runner.invoke(args=["orders", "refund", str(bought.id), "--yes"]).exit_code == 0
    assert only_order(app).access is AccessState.REVOKED
    assert auth.client.get(lesson_url(course)).status_code == 403
    assert any("has ended" in message["Subject"] for message in mailbox.messages)
    shop.deliver_all()  # Stripe's own refund events arrive later and change nothing more
    with app.app_context():
        assert net_revenue_cents() == -stripe_fee(4900)
        assert db.session.scalar(select(func.count()).select_from(LedgerEntry)) == 3  # charge, fee, refund


def test_the_same_request_key_refunds_once_and_a_new_key_refunds_again(app, shop, bought):
    with app.app_context():
        refund_order(db.session.get(Order, bought.id), 1000, request_key="form-nonce-1", requested_by="a@x")
        db.session.rollback()  # as if the second click ran before the first one committed
        refund_order(db.session.get(Order, bought.id), 1000, request_key="form-nonce-1", requested_by="a@x")
        refund_order(db.session.get(Order, bought.id), 1000, request_key="form-nonce-1", requested_by="a@x")
        db.session.commit()
        assert db.session.get(Order, bought.id).refunded_cents == 1000
        refund_order(db.session.get(Order, bought.id), 1000, request_key="form-nonce-2", requested_by="a@x")
        db.session.commit()
        assert db.session.get(Order, bought.id).refunded_cents == 2000
    assert refunds_at_stripe(shop) == 2  # one per key, however often each was sent


def test_a_form_nonce_reused_for_another_amount_is_refused(app, shop, bought):
    with app.app_context():
        refund_order(db.session.get(Order, bought.id), 1000, request_key="form-nonce-1", requested_by="a@x")
        with pytest.raises(RefundError, match="already used for another refund"):
            refund_order(
                db.session.get(Order, bought.id), 500, request_key="form-nonce-1", requested_by="a@x"
            )
    assert refunds_at_stripe(shop) == 1


def test_a_requested_refund_shows_until_its_money_is_in_the_ledger(app, shop, bought):
    with app.app_context():
        order = db.session.get(Order, bought.id)
        db.session.add(
            RefundRequest(
                order_id=order.id,
                request_key="k",
                amount_cents=700,
                stripe_refund_id="re_x",
                requested_by="a@x",
            )
        )
        db.session.flush()
        assert [request.amount_cents for request in requested_refunds(order)] == [700]
        record(order, LedgerKind.REFUND, 700, "re_x")
        assert requested_refunds(order) == []


def test_asking_for_more_than_remains_is_refused_with_a_clear_message(app, runner, shop, bought):
    runner.invoke(args=["orders", "refund", str(bought.id), "--amount", "40", "--yes"])
    result = runner.invoke(args=["orders", "refund", str(bought.id), "--amount", "10", "--yes"])
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
        refund_order(db.session.scalars(select(Order)).one(), None, request_key="k", requested_by="a@x")


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
