"""outbox retention: tallies of deleted broadcast messages, outbox rows found by age

Outbox rows of finished messages older than OUTBOX_RETENTION_DAYS are deleted by the tick; a
broadcast's figures are kept in `outbox_tallies` (per broadcast, channel and outcome) first.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-01 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUSES = ("queued", "sending", "sent", "delivered", "failed", "skipped")


def upgrade() -> None:
    op.create_table('outbox_tallies',
    sa.Column('broadcast_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('status', sa.Enum(*STATUSES, name='outboxstatus', native_enum=False, length=20), nullable=False),
    sa.Column('provider_status', sa.String(length=20), nullable=False),
    sa.Column('error', sa.String(length=300), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['broadcast_id'], ['broadcasts.id'], name=op.f('fk_outbox_tallies_broadcast_id_broadcasts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('broadcast_id', 'channel', 'status', 'provider_status', 'error', name=op.f('pk_outbox_tallies'))
    )
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_messages_created_at'), ['created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_messages_created_at'))
    op.drop_table('outbox_tallies')
