"""Several processes starting together on a new database apply the migrations once."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from models.db import create_engine, upgrade_database


async def test_concurrent_upgrades_of_a_new_database_apply_the_migrations_once(cli_env) -> None:
    engines = [create_engine(cli_env["DATABASE_URL"]) for _ in range(4)]
    try:
        # without the lock they fail on each other's tables, or wait on each other: a bound
        results = await asyncio.wait_for(
            asyncio.gather(
                *(upgrade_database(engine) for engine in engines), return_exceptions=True
            ),
            120,
        )
        assert [r for r in results if isinstance(r, BaseException)] == []
        async with engines[0].connect() as connection:
            versions = await connection.execute(text("SELECT version_num FROM alembic_version"))
            assert len(versions.all()) == 1
            people = await connection.scalar(text("SELECT count(*) FROM persons"))
            assert people == 0
    finally:
        for engine in engines:
            await engine.dispose()
