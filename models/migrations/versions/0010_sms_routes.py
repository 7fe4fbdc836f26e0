"""sms routes: several ways out for one channel

An SMS can leave by Twilio or by one of several Android gateway phones: each outbox row gets the
route chosen for it, each address the route its person last wrote through, and each route a
shared state (online or offline) that every process reads.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 13:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "route_states",
        sa.Column("route", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.Column("since", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("route"),
    )
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route", sa.String(length=32), nullable=True))
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("route", sa.String(length=32), nullable=True))
        batch_op.create_index(
            "ix_outbox_messages_route", ["channel", "route", "status", "priority"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_route")
        batch_op.drop_column("route")
    with op.batch_alter_table("addresses", schema=None) as batch_op:
        batch_op.drop_column("route")
    op.drop_table("route_states")
