"""register: successors, LSG bodies, points, unlisted places, keys bound to a municipality

The register of municipalities keeps its history: a merged or renamed unit names its
`successor`, and people moved by a merge are told once (`persons.moved_from_id`). Each unit
may carry the spellings people type (`variants`), its local self-government body's name and
INN as procurement names it, a point, and the official source it was checked against. Places
people typed that the register lacks are kept for admins (`unlisted_places`). An Open311 key
may be bound to one municipality.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 13:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import models.base

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def add_reference(table: str, column: str, referred: str) -> None:
    """A nullable column referring to `referred`.id, added in place (ALTER TABLE … ADD COLUMN
    takes a REFERENCES clause on SQLite): no copy of persons or municipalities is made."""
    name = f"fk_{table}_{column}_{referred}"
    if op.get_bind().dialect.name == "sqlite":
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {column} INTEGER "
            f"CONSTRAINT {name} REFERENCES {referred} (id)"
        )
        return
    op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
    op.create_foreign_key(op.f(name), table, referred, [column], ["id"])


def upgrade() -> None:
    # plain ALTER TABLE … ADD COLUMN on every backend, no table copied
    for column in (
        sa.Column("variants", sa.Text(), nullable=True),
        sa.Column("lsg_name", sa.String(length=300), nullable=True),
        sa.Column("inn", sa.String(length=14), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("checked", sa.String(length=200), nullable=True),
    ):
        op.add_column("municipalities", column)
    add_reference("municipalities", "successor_id", "municipalities")
    op.create_index(op.f("ix_municipalities_inn"), "municipalities", ["inn"], unique=False)
    op.create_index(
        op.f("ix_municipalities_successor_id"), "municipalities", ["successor_id"], unique=False
    )
    add_reference("persons", "moved_from_id", "municipalities")
    add_reference("api_keys", "municipality_id", "municipalities")
    op.create_table(
        "unlisted_places",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.Column("municipality_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["municipality_id"],
            ["municipalities.id"],
            name=op.f("fk_unlisted_places_municipality_id_municipalities"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["persons.id"],
            name=op.f("fk_unlisted_places_person_id_persons"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unlisted_places")),
    )
    with op.batch_alter_table("unlisted_places", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_unlisted_places_municipality_id"), ["municipality_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("unlisted_places", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unlisted_places_municipality_id"))
    op.drop_table("unlisted_places")
    with op.batch_alter_table("api_keys", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_api_keys_municipality_id_municipalities"), type_="foreignkey"
        )
        batch_op.drop_column("municipality_id")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_persons_moved_from_id_municipalities"), type_="foreignkey"
        )
        batch_op.drop_column("moved_from_id")
    with op.batch_alter_table("municipalities", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_municipalities_successor_id_municipalities"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_municipalities_successor_id"))
        batch_op.drop_index(batch_op.f("ix_municipalities_inn"))
        for column in ("checked", "longitude", "latitude", "inn", "lsg_name", "successor_id"):
            batch_op.drop_column(column)
        batch_op.drop_column("variants")
