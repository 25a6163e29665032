"""Access is worked out per order, and a manual revoke is a hold no Stripe event can undo."""

import pytest
from sqlalchemy import select

from coursehub.core.extensions import db
from coursehub.learning.models import AccessHold, Entitlement, EntitlementSource, EntitlementStatus
from tests.factories import make_course, make_product, make_user
from tests.helpers import lesson_url


@pytest.fixture
def three(app):
    courses = [make_course(app, preview=()) for _ in range(3)]
    make_product(app, courses[:2], slug="a-and-b", price=7900, bundle=True)
    make_product(app, courses[1:], slug="b-and-c", price=7900, bundle=True)
    return courses


def buy_bundle(shop, slug: str) -> str:
    response = shop.buy(f"/bundles/{slug}/buy", "/", confirm="yes")
    assert response.status_code == 303, response.status_code
    shop.pay(response.headers["Location"])
    return shop.session_id(response.headers["Location"])


def test_refunding_one_of_two_overlapping_bundles_keeps_the_course_the_other_pays_for(app, auth, shop, three):
    a, b, c = three
    user = make_user(app)
    auth.login(user.email, user.password)
    buy_bundle(shop, "a-and-b")
    second = buy_bundle(shop, "b-and-c")
    shop.refund(second)
    shop.deliver_all()
    assert [auth.client.get(lesson_url(course)).status_code for course in (a, b, c)] == [200, 200, 403]
    with app.app_context():
        rows = db.session.scalars(select(Entitlement).where(Entitlement.course_id == b.id)).all()
        assert sorted(row.status for row in rows) == [EntitlementStatus.ACTIVE, EntitlementStatus.REVOKED]
        assert len({row.order_id for row in rows}) == 2


def test_a_manual_revoke_survives_later_stripe_events_until_a_grant(app, runner, auth, shop, course):
    user = make_user(app)
    auth.login(user.email, user.password)
    session_id = shop.session_id(shop.checkout(course.slug))
    shop.pay(f"{shop.fake.base_url}/checkout/pay/{session_id}")
    shop.deliver_all()
    revoked = runner.invoke(
        args=["access", "revoke", user.email, course.slug, "--reason", "chargeback fraud"]
    )
    assert revoked.exit_code == 0, revoked.output
    shop.refund(session_id, 500)  # a small goodwill refund: its events must not reopen the course
    shop.deliver_all()
    assert auth.client.get(lesson_url(course)).status_code == 403
    with app.app_context():
        hold = db.session.scalars(select(AccessHold)).one()
        assert (hold.reason, hold.actor.startswith("shell:"), hold.lifted_at) == (
            "chargeback fraud",
            True,
            None,
        )

    runner.invoke(args=["access", "grant", user.email, course.slug, "--reason", "sorted out"])
    assert auth.client.get(lesson_url(course)).status_code == 200
    with app.app_context():
        hold = db.session.scalars(select(AccessHold)).one()
        assert hold.lifted_at is not None and hold.lifted_by.startswith("shell:")
        grant = db.session.scalars(select(Entitlement).filter_by(source=EntitlementSource.GRANT)).one()
        assert (grant.status, grant.reason) == (EntitlementStatus.ACTIVE, "sorted out")


def test_a_held_course_is_not_sold_again(app, runner, auth, shop, course):
    user = make_user(app)
    runner.invoke(args=["access", "revoke", user.email, course.slug, "--reason", "abuse"])
    auth.login(user.email, user.password)
    response = shop.buy(f"/courses/{course.slug}/buy", f"/courses/{course.slug}")
    assert response.status_code == 302
    assert shop.events() == []
