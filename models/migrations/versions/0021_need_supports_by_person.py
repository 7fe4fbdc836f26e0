"""need_supports.person_id indexed: the supports of the people who answered the questions

The figures by group start from `group_answers` (the few who agreed to the questions) and find
their supports by person, instead of joining every support to its need. A plain CREATE INDEX,
not a batch operation: on SQLite a batch copy of need_supports would drop 0018's triggers.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 20:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        op.f("ix_need_supports_person_id"), "need_supports", ["person_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_need_supports_person_id"), table_name="need_supports")
