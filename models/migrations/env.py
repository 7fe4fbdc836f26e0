"""Alembic environment: runs on the connection Kenesh hands it (see models.db.upgrade_database)."""

from __future__ import annotations

from alembic import context

from models import Base

target_metadata = Base.metadata


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations with `kenesh db upgrade`, which supplies the connection")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
