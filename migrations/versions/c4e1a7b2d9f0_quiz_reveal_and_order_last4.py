"""Quiz reveal policy; the payment method's last four digits on orders, for receipts

Revision ID: c4e1a7b2d9f0
Revises: 5095a9d3bdfa
Create Date: 2026-12-01 22:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4e1a7b2d9f0'
down_revision = '5095a9d3bdfa'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reveal', sa.String(length=20), server_default='after_pass', nullable=False))
        batch_op.create_check_constraint(
            'reveal_known', "reveal IN ('always', 'after_pass', 'after_last_attempt')"
        )
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_last4', sa.String(length=4), nullable=True))


def downgrade():
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_column('payment_last4')
    with op.batch_alter_table('quizzes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_quizzes_reveal_known'), type_='check')
        batch_op.drop_column('reveal')
