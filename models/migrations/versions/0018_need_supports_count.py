"""needs.supports_total: how many supports a need has, kept by the database

The needs report sums supports per category. Joining a million needs to their supports took
0.7–0.9 s on PostgreSQL (a hash join spilling to disk); with the count on the need, the whole
report is one scan of `needs`. Triggers on `need_supports` keep it (insert +1, delete −1, a
support moved to another need −1/+1), whatever writes the rows: the bot, the workspace, a
script. A migration that copies `need_supports` (a batch operation on SQLite) must create
them again.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ADD = "UPDATE needs SET supports_total = supports_total + 1 WHERE id = NEW.need_id;"
REMOVE = "UPDATE needs SET supports_total = supports_total - 1 WHERE id = OLD.need_id;"

POSTGRES_FUNCTION = f"""
CREATE FUNCTION need_supports_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('DELETE', 'UPDATE') THEN
        {REMOVE}
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        {ADD}
    END IF;
    RETURN NULL;
END
$$
"""
POSTGRES_TRIGGER = (
    "CREATE TRIGGER need_supports_count AFTER INSERT OR DELETE OR UPDATE OF need_id "
    "ON need_supports FOR EACH ROW EXECUTE FUNCTION need_supports_count()"
)
SQLITE_TRIGGERS = {
    "need_supports_added": f"AFTER INSERT ON need_supports BEGIN {ADD} END",
    "need_supports_removed": f"AFTER DELETE ON need_supports BEGIN {REMOVE} END",
    "need_supports_moved": f"AFTER UPDATE OF need_id ON need_supports BEGIN {REMOVE} {ADD} END",
}


def upgrade() -> None:
    # a constant default: ADD COLUMN in place on both backends, no table copied
    op.add_column(
        "needs", sa.Column("supports_total", sa.Integer(), nullable=False, server_default="0")
    )
    op.execute(
        "UPDATE needs SET supports_total = "
        "(SELECT count(*) FROM need_supports WHERE need_supports.need_id = needs.id) "
        "WHERE EXISTS (SELECT 1 FROM need_supports WHERE need_supports.need_id = needs.id)"
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    else:
        op.execute("DROP TRIGGER need_supports_count ON need_supports")
        op.execute("DROP FUNCTION need_supports_count()")
    with op.batch_alter_table("needs") as batch_op:
        batch_op.drop_column("supports_total")
