"""On PostgreSQL with the big tables filled, the hot pages reach them through an index (issue 18).

The statements are the ones the app really sends, captured from the engine while the pages are served,
then explained with their own parameters after ANALYZE, so the planner sees the table sizes it would in
production. Plans are PostgreSQL's: on SQLite the module is skipped; on PostgreSQL (the CI leg with
``TEST_DATABASE_URL``) it always runs.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from coursehub.accounts.models import Role
from coursehub.billing.ledger import net_revenue_cents, order_totals
from coursehub.billing.models import Order
from coursehub.core.extensions import db
from tests.databases import backend_name
from tests.factories import grant, make_course, make_product, make_quiz, make_user
from tests.helpers import csrf_token_on_lesson, lesson_url

pytestmark = pytest.mark.skipif(backend_name() != "postgresql", reason="query plans are PostgreSQL's")

BIG_TABLES = (
    "users",
    "lesson_progress",
    "enrollments",
    "entitlements",
    "quiz_attempts",
    "orders",
    "ledger_entries",
    "stripe_events",
)
MENTIONS = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+(" + "|".join(BIG_TABLES) + r")\b", re.IGNORECASE)
LEARNERS = 4_000
ORDERS = 30_000

FILL = (
    """INSERT INTO users (email, display_name, role, password_hash, created_at, updated_at)
       SELECT 'bulk' || g || '@example.com', 'Bulk ' || g, 'learner', 'x', now(), now()
       FROM generate_series(1, :learners) g""",
    """INSERT INTO entitlements (user_id, course_id, source, status, reason, actor, created_at,
                                 status_changed_at)
       SELECT id, :course, 'grant', 'active', 'bulk', 'bulk', now(), now()
       FROM users WHERE email LIKE 'bulk%'""",
    """INSERT INTO enrollments (user_id, course_id, enrolled_at, last_activity_at)
       SELECT id, :course, now(), now() FROM users WHERE email LIKE 'bulk%'""",
    """INSERT INTO lesson_progress (user_id, lesson_id, position_seconds, furthest_seconds, reported_at_ms,
                                    updated_at)
       SELECT u.id, l.id, 10, 10, 0, now() FROM users u CROSS JOIN lessons l
       WHERE u.email LIKE 'bulk%' AND l.course_id = :course""",
    """INSERT INTO quiz_attempts (user_id, quiz_id, number, draw, started_at, submitted_at, score_percent,
                                  passed)
       SELECT id, :quiz, 1, '[]', now(), now(), 100, true FROM users WHERE email LIKE 'bulk%'""",
    """INSERT INTO orders (user_id, product_id, status, access, list_price_cents, currency, amount_paid_cents,
                           refunded_cents, discount_cents, tax_cents, checkout_session_id, payment_intent_id,
                           note, created_at, paid_at, updated_at)
       SELECT (SELECT min(id) FROM users WHERE email LIKE 'bulk%') + g % :learners, :product, 'paid',
              'active', 4900, 'usd', 4900, 0, 0, 0, 'cs_bulk_' || g, 'pi_bulk_' || g, '',
              now() - g * interval '20 minutes', now() - g * interval '20 minutes', now()
       FROM generate_series(1, :orders) g""",
    """INSERT INTO ledger_entries (order_id, product_id, kind, amount_cents, currency, stripe_ref, created_at)
       SELECT id, product_id, 'charge', 4900, 'usd', 'ch_' || id, paid_at FROM orders""",
    """INSERT INTO stripe_events (id, type, created, processed_at)
       SELECT 'evt_bulk_' || id, 'checkout.session.completed', 0, now() FROM orders""",
)


@pytest.fixture
def school_at_scale(app):
    """A course with a quiz and a product, thousands of learners with progress, tens of thousands of
    orders with their ledger lines; then ANALYZE, as autovacuum would have by now in production."""
    course = make_course(app, lessons=12, modules=3, preview=())
    quiz = make_quiz(app, course)
    product = make_product(app, [course], "bulk-course", 4900)
    with app.app_context():
        sizes = {"learners": LEARNERS, "orders": ORDERS}
        for statement in FILL:
            db.session.execute(
                text(statement), {**sizes, "course": course.id, "quiz": quiz, "product": product}
            )
        db.session.execute(text("ANALYZE " + ", ".join(BIG_TABLES)))
        db.session.commit()
    return course


class StatementLog:
    """The statements on the big tables, with their parameters, as the engine sent them."""

    def __init__(self):
        self.seen: list[tuple[str, object]] = []

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if MENTIONS.search(statement) and not statement.lstrip().upper().startswith(("EXPLAIN", "ANALYZE")):
            self.seen.append((statement, parameters))

    def __enter__(self):
        event.listen(Engine, "before_cursor_execute", self)
        return self

    def __exit__(self, *exc):
        event.remove(Engine, "before_cursor_execute", self)


def sequential_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in BIG_TABLES:
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found += sequential_scans(child)
    return found


def scans_of(app, log: StatementLog) -> list[tuple[str, str]]:
    """(table, statement) for every sequential scan of a big table in the captured statements' plans."""
    problems = []
    with app.app_context():
        connection = db.session.connection()
        for statement, parameters in log.seen:
            plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, parameters).scalar()
            problems += [(table, statement) for table in sequential_scans(plan[0]["Plan"])]
        db.session.rollback()
    return problems


def test_lesson_page_heartbeat_dashboard_and_course_page_use_indexes(app, auth, school_at_scale):
    course = school_at_scale
    user = make_user(app)
    grant(app, user, course)
    auth.login(user.email, user.password)
    lesson = lesson_url(course, 5)
    token = csrf_token_on_lesson(auth.client.get(lesson))
    beat = {"csrf_token": token, "position": "12", "reported_at": "1767225600000"}
    with StatementLog() as log:
        assert auth.client.get(lesson).status_code == 200
        assert auth.client.post(f"/api/lessons/{course.lesson_ids[5]}/progress", data=beat).status_code == 200
        assert auth.client.get("/dashboard").status_code == 200
        assert auth.client.get(f"/courses/{course.slug}").status_code == 200
    # Every big table a statement reaches (a path's progress and passed quizzes are one UNION ALL).
    tables = {table for statement, _ in log.seen for table in MENTIONS.findall(statement)}
    assert {"lesson_progress", "enrollments", "entitlements", "quiz_attempts", "users"} <= tables
    assert scans_of(app, log) == []


def test_order_and_ledger_lookups_use_indexes(app, school_at_scale):
    """What the webhook and the order pages ask of orders and the ledger: one order, its lines."""
    with app.app_context():
        order = db.session.scalar(db.select(Order).where(Order.payment_intent_id == "pi_bulk_777"))
        with StatementLog() as log:
            db.session.scalar(db.select(Order).where(Order.checkout_session_id == order.checkout_session_id))
            db.session.scalar(db.select(Order).where(Order.payment_intent_id == order.payment_intent_id))
            assert order_totals(order)
            assert net_revenue_cents([order.id]) == 4900
            db.session.scalars(db.select(Order).where(Order.user_id == order.user_id)).all()
    assert {MENTIONS.search(statement).group(1) for statement, _ in log.seen} == {"orders", "ledger_entries"}
    assert scans_of(app, log) == []


def test_the_back_offices_period_pages_use_indexes(app, auth, school_at_scale):
    """The sales dashboard, the order list and the orders export for a week: they read that week's ledger
    lines and orders through the ``created_at`` indexes, not by scanning every one."""
    admin = make_user(app, role=Role.ADMIN)
    auth.login(admin.email, admin.password)
    with StatementLog() as log:
        assert auth.client.get("/admin/?period=7d").status_code == 200
        assert auth.client.get("/admin/orders?period=7d").status_code == 200
        assert auth.client.get("/admin/orders.csv?period=7d").status_code == 200
    tables = {table for statement, _ in log.seen for table in MENTIONS.findall(statement)}
    assert {"ledger_entries", "orders"} <= tables
    # The week's few hundred orders may meet their buyers by hashing this test's 4,000 users (the
    # planner's choice for a small table); the week's ledger lines and orders must come by index.
    assert [(table, sql) for table, sql in scans_of(app, log) if table in ("ledger_entries", "orders")] == []
