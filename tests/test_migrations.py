"""The migrations are the schema: one head, a clean round trip, and no drift from the models."""

from functools import partial

import flask_migrate
import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from coursehub import create_app
from coursehub.core.extensions import db
from tests.databases import drop_database, fresh_database
from tests.helpers import settings_for


@pytest.fixture
def empty_app(tmp_path, smtp_controller):
    url = fresh_database("migrations", tmp_path)
    app = create_app(settings_for(url, smtp_controller))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    drop_database(url)


def insert_rows(connection, sql: str, rows: list[dict]) -> None:
    """Rows written as an older schema had them, before upgrading past it."""
    connection.execute(sa.text(sql), rows)


def table_names(app) -> set[str]:
    with app.app_context():
        return set(sa.inspect(db.engine).get_table_names())


def test_there_is_exactly_one_head(empty_app):
    with empty_app.app_context():
        config = empty_app.extensions["migrate"].migrate.get_config()
        assert len(ScriptDirectory.from_config(config).get_heads()) == 1


def test_upgrade_from_empty_to_head_then_downgrade_to_base(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
    assert {"users", "outbox_messages", "alembic_version"} <= table_names(empty_app)
    with empty_app.app_context():
        flask_migrate.downgrade(revision="base")
    assert table_names(empty_app) <= {"alembic_version"}


def test_models_and_migrations_agree(empty_app):
    with empty_app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_upgrading_a_database_that_holds_courses_keeps_them(empty_app):
    """SQLite rebuilds tables to alter them; with rows pointing at a rebuilt table that must still work."""
    with empty_app.app_context():
        flask_migrate.upgrade(revision="33c87dbed882")  # before the quiz attempts migration alters quizzes
        with db.engine.begin() as connection:
            connection.exec_driver_sql(
                "INSERT INTO courses (id, slug, title, subtitle, summary, access, price_cents, currency,"
                " position, created_at, updated_at) VALUES (1, 'c', 'C', 's', 's', 'paid', 100, 'usd', 1,"
                " '2026-01-01', '2026-01-01')"
            )
            connection.exec_driver_sql(
                "INSERT INTO modules (id, course_id, slug, position, title, summary, drip_days, updated_at)"
                " VALUES (1, 1, 'm', 1, 'M', 's', 0, '2026-01-01')"
            )
            connection.exec_driver_sql(
                "INSERT INTO quizzes (id, module_id, title, pass_mark, max_attempts, wait_minutes, draw)"
                " VALUES (1, 1, 'Q', 80, 0, 0, 1)"
            )
            connection.exec_driver_sql(
                "INSERT INTO quiz_questions (id, quiz_id, key, position, kind, prompt, options, answer,"
                " explanation, lesson_slug) VALUES (1, 1, 'k', 1, 'true_false', 'p', '[]', 'true', 'e', 'l')"
            )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT partial_credit FROM quizzes").scalar() in (False, 0)
            assert connection.exec_driver_sql("SELECT count(*) FROM quiz_questions").scalar() == 1


def test_per_order_entitlements_keep_access_progress_and_manual_revokes(empty_app):
    """Old rows were one per (user, course, source): the newest bundle owned B's row, a manual revoke was a
    revoked row. After the upgrade each paid order has its own rows and the revoke is a standing hold."""
    day = "2026-01-01"
    with empty_app.app_context():
        flask_migrate.upgrade(revision="a333fd495717")
        with db.engine.begin() as connection:
            insert = partial(insert_rows, connection)

            insert(
                "INSERT INTO users (id, email, password_hash, display_name, role, session_version,"
                " created_at, updated_at) VALUES (1, 'a@x.test', 'h', 'A', 'learner', 1, :day, :day)",
                [{"day": day}],
            )
            insert(
                "INSERT INTO courses (id, slug, title, subtitle, summary, access, price_cents, currency,"
                " position, created_at, updated_at) VALUES (:id, :slug, 'C', 's', 's', 'paid', 100, 'usd',"
                " :id, :day, :day)",
                [{"id": n, "slug": f"c{n}", "day": day} for n in (1, 2, 3, 4)],
            )
            insert(
                "INSERT INTO products (id, slug, kind, title, summary, price_cents, currency, updated_at)"
                " VALUES (:id, :slug, 'bundle', 'P', '', 100, 'usd', :day)",
                [{"id": n, "slug": f"p{n}", "day": day} for n in (1, 2)],
            )
            insert(
                "INSERT INTO product_courses (product_id, course_id) VALUES (:product, :course)",
                [{"product": p, "course": c} for p, c in ((1, 1), (1, 2), (2, 2), (2, 3))],
            )
            insert(
                "INSERT INTO orders (id, user_id, product_id, status, access, list_price_cents, currency,"
                " refunded_cents, note, created_at, updated_at) VALUES (:id, 1, :id, 'paid', 'active', 100,"
                " 'usd', 0, '', :day, :day)",
                [{"id": n, "day": day} for n in (1, 2)],
            )
            insert(
                "INSERT INTO entitlements (user_id, course_id, source, status, order_id, reason, created_at,"
                " status_changed_at) VALUES (1, :course, :source, :status, :order, :reason, '2026-01-01',"
                " '2026-01-01')",
                [
                    {
                        "course": 1,
                        "source": "bundle",
                        "status": "active",
                        "order": 1,
                        "reason": "order 1: active",
                    },
                    {
                        "course": 2,
                        "source": "bundle",
                        "status": "active",
                        "order": 2,
                        "reason": "order 2: active",
                    },
                    {
                        "course": 3,
                        "source": "bundle",
                        "status": "active",
                        "order": 2,
                        "reason": "order 2: active",
                    },
                    {"course": 4, "source": "grant", "status": "revoked", "order": None, "reason": "abuse"},
                ],
            )
            insert(
                "INSERT INTO enrollments (user_id, course_id, enrolled_at) VALUES (1, 2, :day)",
                [{"day": day}],
            )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            query = connection.exec_driver_sql
            pairs = query("SELECT order_id, course_id FROM entitlements WHERE order_id IS NOT NULL").all()
            assert sorted(pairs) == [(1, 1), (1, 2), (2, 2), (2, 3)]  # order 1 got its own row for course 2
            holds = query("SELECT course_id, reason FROM access_holds WHERE lifted_at IS NULL").all()
            assert holds == [(4, "abuse")]
            assert query("SELECT count(*) FROM enrollments").scalar() == 1
        flask_migrate.downgrade(revision="a333fd495717")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM entitlements").scalar() == 4


def test_ledger_lines_get_their_orders_product_and_a_charge_its_discount_and_tax(empty_app):
    """The sales report reads the ledger alone (issue 18): lines written before the columns existed get
    them from their order; only the charge line carries the order's discount and tax."""
    day = "2026-01-01"
    with empty_app.app_context():
        flask_migrate.upgrade(revision="d7a3c9e5f1b2")
        with db.engine.begin() as connection:
            insert = partial(insert_rows, connection)

            insert(
                "INSERT INTO users (id, email, password_hash, display_name, role, created_at, updated_at)"
                " VALUES (1, 'a@x.test', 'h', 'A', 'learner', :day, :day)",
                [{"day": day}],
            )
            insert(
                "INSERT INTO products (id, slug, kind, title, summary, price_cents, currency, updated_at)"
                " VALUES (7, 'p7', 'course', 'P', '', 4900, 'usd', :day)",
                [{"day": day}],
            )
            insert(
                "INSERT INTO orders (id, user_id, product_id, status, access, list_price_cents, currency,"
                " amount_paid_cents, refunded_cents, discount_cents, tax_cents, note, created_at,"
                " updated_at) VALUES (3, 1, 7, 'paid', 'active', 4900, 'usd', 4410, 1000, 980, 490, '',"
                " :day, :day)",
                [{"day": day}],
            )
            insert(
                "INSERT INTO ledger_entries (order_id, kind, amount_cents, currency, stripe_ref, created_at)"
                " VALUES (3, :kind, :amount, 'usd', :ref, :day)",
                [
                    {"kind": kind, "amount": amount, "ref": ref, "day": day}
                    for kind, amount, ref in (
                        ("charge", 4410, "ch_3"),
                        ("fee", 158, "fee_3"),
                        ("refund", 1000, "re_3"),
                    )
                ],
            )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            lines = connection.exec_driver_sql(
                "SELECT kind, product_id, discount_cents, tax_cents FROM ledger_entries ORDER BY id"
            ).all()
        assert [tuple(line) for line in lines] == [
            ("charge", 7, 980, 490),
            ("fee", 7, 0, 0),
            ("refund", 7, 0, 0),
        ]
        flask_migrate.downgrade(revision="d7a3c9e5f1b2")
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("SELECT count(*) FROM ledger_entries").scalar() == 3
