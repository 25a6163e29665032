"""Access per order, manual holds, fees in the ledger, refund requests, one open checkout per product

Entitlement rows move from one per (user, course, source) to one per (order, course): the existing row
stays with the order it names, and every other paid order that covers the course gets its own row from
that order's access state, so a refund of one bundle no longer shuts a course another bundle pays for.
A purchase or grant row that was revoked by hand (its reason is not an order's) becomes a standing hold,
so the new rows never reopen what an admin shut. Progress and enrollments are untouched.

Revision ID: c5e1d2a4b7f9
Revises: c5e1a7d20b94
Create Date: 2026-11-27 10:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

revision = "c5e1d2a4b7f9"
down_revision = "c5e1a7d20b94"
branch_labels = None
depends_on = None

OLD_LEDGER_KINDS = ("charge", "refund", "dispute", "dispute_won")
NEW_LEDGER_KINDS = (*OLD_LEDGER_KINDS, "fee")


def _ledger_kind(kinds):
    return sa.Enum(*kinds, name="ledger_kind", native_enum=False, create_constraint=True, length=16)


def upgrade():
    op.create_table(
        "access_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("course_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("actor", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lifted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("lifted_by", sa.String(length=255), nullable=True),
        sa.ForeignKeyConstraint(
            ["course_id"], ["courses.id"], name=op.f("fk_access_holds_course_id_courses")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_access_holds_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_holds")),
    )
    with op.batch_alter_table("access_holds") as batch_op:
        batch_op.create_index(batch_op.f("ix_access_holds_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "uq_access_holds_standing",
            ["user_id", "course_id"],
            unique=True,
            postgresql_where=sa.text("lifted_at IS NULL"),
            sqlite_where=sa.text("lifted_at IS NULL"),
        )

    op.create_table(
        "refund_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("request_key", sa.String(length=200), nullable=False),
        sa.Column("amount_cents", sa.Integer(), nullable=False),
        sa.Column("stripe_refund_id", sa.String(length=255), nullable=False),
        sa.Column("requested_by", sa.String(length=255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("amount_cents > 0", name=op.f("ck_refund_requests_amount_positive")),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_refund_requests_order_id_orders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refund_requests")),
        sa.UniqueConstraint("request_key", name=op.f("uq_refund_requests_request_key")),
        sa.UniqueConstraint("stripe_refund_id", name=op.f("uq_refund_requests_stripe_refund_id")),
    )
    with op.batch_alter_table("refund_requests") as batch_op:
        batch_op.create_index(batch_op.f("ix_refund_requests_order_id"), ["order_id"], unique=False)

    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("discount_cents", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("tax_cents", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("duplicate_of_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_orders_duplicate_of_id_orders"), "orders", ["duplicate_of_id"], ["id"]
        )
        batch_op.create_check_constraint(
            "discount_and_tax_not_negative", "discount_cents >= 0 AND tax_cents >= 0"
        )
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column("discount_cents", server_default=None)
        batch_op.alter_column("tax_cents", server_default=None)
    # Older pending tries of the same learner and product would break the one-open-checkout index; the
    # newest stays pending (Buy checks its session with Stripe), the rest are closed as expired.
    op.execute(
        "UPDATE orders SET status = 'expired' WHERE status = 'pending' AND id < ("
        " SELECT max(newer.id) FROM orders AS newer WHERE newer.user_id = orders.user_id"
        " AND newer.product_id = orders.product_id AND newer.status = 'pending')"
    )
    with op.batch_alter_table("orders") as batch_op:
        batch_op.create_index(
            "uq_orders_one_pending_checkout",
            ["user_id", "product_id"],
            unique=True,
            postgresql_where=sa.text("status = 'pending'"),
            sqlite_where=sa.text("status = 'pending'"),
        )

    with op.batch_alter_table("ledger_entries") as batch_op:
        batch_op.alter_column(
            "kind", type_=_ledger_kind(NEW_LEDGER_KINDS), existing_type=_ledger_kind(OLD_LEDGER_KINDS)
        )

    _holds_from_manual_revokes()
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.add_column(sa.Column("actor", sa.String(length=255), nullable=False, server_default=""))
        batch_op.drop_constraint("uq_entitlements_user_course_source", type_="unique")
        batch_op.create_foreign_key(
            batch_op.f("fk_entitlements_order_id_orders"), "orders", ["order_id"], ["id"]
        )
        batch_op.create_unique_constraint("uq_entitlements_order_course", ["order_id", "course_id"])
        batch_op.create_index(
            "uq_entitlements_user_course_source_direct",
            ["user_id", "course_id", "source"],
            unique=True,
            postgresql_where=sa.text("order_id IS NULL"),
            sqlite_where=sa.text("order_id IS NULL"),
        )
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.alter_column("actor", server_default=None)
    _rows_for_every_paid_order()


def _holds_from_manual_revokes():
    """A revoked purchase, bundle or grant row whose reason is not an order's was shut by hand."""
    op.execute(
        "INSERT INTO access_holds (user_id, course_id, reason, actor, created_at)"
        " SELECT user_id, course_id, max(reason), 'migration', max(status_changed_at) FROM entitlements"
        " WHERE status = 'revoked' AND source IN ('purchase', 'bundle', 'grant') AND reason NOT LIKE 'order %'"
        " AND NOT EXISTS (SELECT 1 FROM entitlements AS active WHERE active.user_id = entitlements.user_id"
        " AND active.course_id = entitlements.course_id AND active.status = 'active')"
        " GROUP BY user_id, course_id"
    )


def _rows_for_every_paid_order():
    op.execute(
        "INSERT INTO entitlements (user_id, course_id, source, status, order_id, reason, actor, created_at,"
        " status_changed_at)"
        " SELECT orders.user_id, product_courses.course_id,"
        " CASE products.kind WHEN 'bundle' THEN 'bundle' ELSE 'purchase' END,"
        " orders.access, orders.id, 'order ' || orders.id || ': ' || orders.access, '',"
        " coalesce(orders.paid_at, orders.created_at), coalesce(orders.paid_at, orders.created_at)"
        " FROM orders JOIN products ON products.id = orders.product_id"
        " JOIN product_courses ON product_courses.product_id = orders.product_id"
        " WHERE orders.access IN ('active', 'suspended', 'revoked') AND NOT EXISTS ("
        " SELECT 1 FROM entitlements AS own WHERE own.order_id = orders.id"
        " AND own.course_id = product_courses.course_id)"
    )


def downgrade():
    # Back to one row per (user, course, source): keep the best row of each group (active first, then
    # the newest), and shut every held course first so a hold's meaning survives the lost table.
    op.execute(
        "UPDATE entitlements SET status = 'revoked' WHERE EXISTS (SELECT 1 FROM access_holds"
        " WHERE access_holds.user_id = entitlements.user_id AND access_holds.course_id = entitlements.course_id"
        " AND access_holds.lifted_at IS NULL)"
    )
    op.execute(
        "DELETE FROM entitlements WHERE EXISTS (SELECT 1 FROM entitlements AS better"
        " WHERE better.user_id = entitlements.user_id AND better.course_id = entitlements.course_id"
        " AND better.source = entitlements.source AND better.id <> entitlements.id AND ("
        " (better.status = 'active') > (entitlements.status = 'active') OR ("
        " (better.status = 'active') = (entitlements.status = 'active') AND better.id > entitlements.id)))"
    )
    with op.batch_alter_table("entitlements") as batch_op:
        batch_op.drop_index("uq_entitlements_user_course_source_direct")
        batch_op.drop_constraint("uq_entitlements_order_course", type_="unique")
        batch_op.drop_constraint(batch_op.f("fk_entitlements_order_id_orders"), type_="foreignkey")
        batch_op.create_unique_constraint(
            "uq_entitlements_user_course_source", ["user_id", "course_id", "source"]
        )
        batch_op.drop_column("actor")

    op.execute("DELETE FROM ledger_entries WHERE kind = 'fee'")
    with op.batch_alter_table("ledger_entries") as batch_op:
        batch_op.alter_column(
            "kind", type_=_ledger_kind(OLD_LEDGER_KINDS), existing_type=_ledger_kind(NEW_LEDGER_KINDS)
        )

    with op.batch_alter_table("orders") as batch_op:
        batch_op.drop_index("uq_orders_one_pending_checkout")
        batch_op.drop_constraint(batch_op.f("ck_orders_discount_and_tax_not_negative"), type_="check")
        batch_op.drop_constraint(batch_op.f("fk_orders_duplicate_of_id_orders"), type_="foreignkey")
        batch_op.drop_column("duplicate_of_id")
        batch_op.drop_column("tax_cents")
        batch_op.drop_column("discount_cents")

    with op.batch_alter_table("refund_requests") as batch_op:
        batch_op.drop_index(batch_op.f("ix_refund_requests_order_id"))
    op.drop_table("refund_requests")
    with op.batch_alter_table("access_holds") as batch_op:
        batch_op.drop_index("uq_access_holds_standing")
        batch_op.drop_index(batch_op.f("ix_access_holds_user_id"))
    op.drop_table("access_holds")
