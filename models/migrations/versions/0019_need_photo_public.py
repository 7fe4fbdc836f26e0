"""needs.photo_public: staff marked the need's photo fit for its public page

A resident's photo may show faces, a house number or a car plate, so it stays private until a
staff member looks at it and marks it public. A plain ADD COLUMN on both backends: `needs` is
not copied, so the triggers of migration 0018 stay.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 19:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "needs",
        sa.Column("photo_public", sa.Boolean(), nullable=False, server_default=sa.false()),
    )


def downgrade() -> None:
    with op.batch_alter_table("needs", schema=None) as batch_op:
        batch_op.drop_column("photo_public")
