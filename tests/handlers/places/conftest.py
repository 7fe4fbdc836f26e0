"""Units made for one test (codes X-…), removed afterwards: merges change the register, and the
register is shared by every test of the session."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import delete, select, update

from models import Municipality, MunicipalityKind
from tests.conftest import clear
from tests.factories import municipality


@pytest.fixture
async def scratch(app, database) -> AsyncIterator[dict[str, Municipality]]:
    """Two ayil aimaks of Ala-Buka rayon, X-SUUSAI and X-TOOSAI, each with a point."""
    rayon = await municipality(app, "JA-ALABUKA")
    made = {}
    async with app.sessions() as session, session.begin():
        for code, ky, ru, en, lat in (
            ("X-SUUSAI", "Суусай", "Суусай", "Suusai", 41.40),
            ("X-TOOSAI", "Тоосай", "Тоосай", "Toosai", 41.42),
        ):
            unit = Municipality(
                code=code,
                kind=MunicipalityKind.ayil_aimak,
                parent_id=rayon.id,
                name_ky=f"{ky} айыл аймагы",
                name_ru=f"айыльный аймак {ru}",
                name_en=f"{en} ayil aimak",
                latitude=lat,
                longitude=71.0,
            )
            session.add(unit)
            made[code] = unit
    yield made
    await clear(database)
    async with database.sessions() as session, session.begin():
        scratch_ids = select(Municipality.id).where(Municipality.code.like("X-%"))
        await session.execute(
            update(Municipality)
            .where(Municipality.successor_id.in_(scratch_ids))
            .values(successor_id=None)
        )
        await session.execute(
            update(Municipality)
            .where(Municipality.parent_id.in_(scratch_ids))
            .values(parent_id=rayon.id)
        )
        await session.execute(delete(Municipality).where(Municipality.code.like("X-%")))
