"""group_answers: residents' optional answers about their age band, gender and disability

Asked after consent, each question skippable; stored only with the person's agreement to these
questions (`agreed_at`), for reports of supports and survey results by group. Deleting the
person deletes the row.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 19:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('group_answers',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('asked_at', models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('agreed_at', models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('age_band', sa.Enum('under_18', '18_29', '30_44', '45_59', '60_plus', name='ageband', native_enum=False, length=20), nullable=True),
    sa.Column('gender', sa.Enum('woman', 'man', 'unsaid', name='gender', native_enum=False, length=20), nullable=True),
    sa.Column('disability', sa.Enum('self', 'carer', 'none', name='disability', native_enum=False, length=20), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['persons.id'], name=op.f('fk_group_answers_person_id_persons'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_group_answers'))
    )


def downgrade() -> None:
    op.drop_table('group_answers')
