"""whatsapp templates sent

Each outbox row records the WhatsApp template it went as, if any: a business-initiated message
outside the 24-hour window, which Meta charges for and which its messaging-limit tier counts
(unique people reached by templates in 24 hours).

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 13:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("template", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_outbox_messages_template_sent", ["template", "sent_at"])


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_messages_template_sent")
        batch_op.drop_column("template")
