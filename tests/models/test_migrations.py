"""The migrations create exactly the schema the models describe, on every backend."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from models import Base
from models.db import create_engine, upgrade_database


async def test_migrations_match_the_models(database) -> None:
    def diff(connection):
        return compare_metadata(MigrationContext.configure(connection), Base.metadata)

    async with database.engine.connect() as connection:
        assert await connection.run_sync(diff) == []


async def test_people_in_a_renamed_flow_keep_their_place(cli_env) -> None:
    engine = create_engine(cli_env["DATABASE_URL"])  # an empty database of each backend
    await upgrade_database(engine, "0008")
    stack = [{"flow": "services", "step": "action", "answers": {}, "history": []}]
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO persons (id, role, consent, created_at) VALUES (1, 'staff', 'given', CURRENT_TIMESTAMP)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO conversation_states (person_id, flow, step, turn, data, updated_at) "
                "VALUES (1, 'tenders', 'tender', 3, :data, CURRENT_TIMESTAMP)"
            ),
            {"data": json.dumps({"answers": {"note": "tenders"}, "stack": stack, "drafts": {}})},
        )
    await upgrade_database(engine)
    async with engine.connect() as connection:
        flow, data = (
            await connection.execute(text("SELECT flow, data FROM conversation_states"))
        ).one()
    await engine.dispose()
    assert flow == "staff_tenders"
    stored = data if isinstance(data, dict) else json.loads(data)  # drivers differ
    assert stored["stack"][0]["flow"] == "staff_services"
    assert stored["answers"] == {"note": "tenders"}  # what people typed is not renamed


async def test_the_register_columns_keep_everyone_s_rows(cli_env) -> None:
    """Adding the register's columns to persons and municipalities drops no row that refers to
    them (addresses, on SQLite too)."""
    engine = create_engine(cli_env["DATABASE_URL"])
    await upgrade_database(engine, "0009")
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO municipalities (id, code, kind, name_ky, name_ru, name_en) "
                "VALUES (1, 'X', 'city', 'X', 'X', 'X')"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO persons (id, role, consent, municipality_id, created_at) "
                "VALUES (1, 'resident', 'given', 1, CURRENT_TIMESTAMP)"
            )
        )
        await connection.execute(
            text(
                "INSERT INTO addresses (id, person_id, channel, value, unreachable, opted_out, created_at, "
                "last_seen_at) VALUES (1, 1, 'sim', 'a', false, false, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"
            )
        )
    await upgrade_database(engine)
    async with engine.connect() as connection:
        addresses = await connection.scalar(text("SELECT count(*) FROM addresses"))
        place = await connection.scalar(text("SELECT municipality_id FROM persons"))
    await engine.dispose()
    assert (addresses, place) == (1, 1)
