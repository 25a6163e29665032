"""Ledger lines carry their order's product, and a charge line its discount and tax: the sales report then
reads the ledger alone instead of joining every order; ledger lines and orders indexed by when they were
made, for the back office's periods (issue 18)

Revision ID: e1f4b8c2a9d3
Revises: d7a3c9e5f1b2
Create Date: 2026-12-02 04:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e1f4b8c2a9d3'
down_revision = 'd7a3c9e5f1b2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.add_column(sa.Column('product_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('discount_cents', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('tax_cents', sa.Integer(), server_default='0', nullable=False))
    # The facts already on the orders: a product never changes, and a charge's discount and tax are
    # Stripe's total_details for the payment the charge line records.
    op.execute(
        "UPDATE ledger_entries SET product_id = "
        "(SELECT orders.product_id FROM orders WHERE orders.id = ledger_entries.order_id)"
    )
    op.execute(
        "UPDATE ledger_entries SET "
        "discount_cents = (SELECT orders.discount_cents FROM orders WHERE orders.id = ledger_entries.order_id), "
        "tax_cents = (SELECT orders.tax_cents FROM orders WHERE orders.id = ledger_entries.order_id) "
        "WHERE kind = 'charge'"
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.alter_column('product_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f('fk_ledger_entries_product_id_products'), 'products', ['product_id'], ['id']
        )
        batch_op.create_index(batch_op.f('ix_ledger_entries_created_at'), ['created_at'], unique=False)
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_orders_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_orders_created_at'))
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_created_at'))
        batch_op.drop_constraint(batch_op.f('fk_ledger_entries_product_id_products'), type_='foreignkey')
        batch_op.drop_column('tax_cents')
        batch_op.drop_column('discount_cents')
        batch_op.drop_column('product_id')
