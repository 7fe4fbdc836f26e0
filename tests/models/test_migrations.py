"""The migrations create exactly the schema the models describe, on every backend."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import Base


async def test_migrations_match_the_models(database) -> None:
    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with database.engine.connect() as connection:
        assert await connection.run_sync(diff) == []
