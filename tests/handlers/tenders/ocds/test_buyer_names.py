"""Another publisher names a municipality its own way: kind words and body names are not the
name, scripts fold, a KG-INN identifier is the LSG's tax number, an old name is its successor."""

from __future__ import annotations

import pytest
from sqlalchemy import select, update

from models import Municipality, Tender
from tests.handlers.tenders.ocds.test_importer import (
    another_publisher,
    foreign_release,
    refused,
    run_import,
)

BARPY_INN = "02805200310123"


async def buyer_of(app, ocid: str) -> str:
    async with app.sessions() as session:
        tender = await session.scalar(select(Tender).where(Tender.ocid == ocid))
        return (await session.get(Municipality, tender.municipality_id)).code


@pytest.mark.parametrize(
    "name",
    ["Кызыл-Кия", "г. Кызыл-Кия", "Мэрия города Кызыл-Кия", "Кызыл-Кыя шаары", "KYZYL-KIYA"],
)
async def test_kyzyl_kiya_however_it_is_written(app, name: str) -> None:
    await run_import(app, another_publisher(foreign_release("ocds-kk-1", {"name": name})))
    assert await buyer_of(app, "ocds-kk-1") == "BT-KYZYLKIYA"


async def test_the_lsg_body_name_of_the_register_finds_its_aimak(app) -> None:
    release = foreign_release("ocds-lsg-1", {"id": "GOV-1", "name": "Барпы айыл өкмөтү"})
    await run_import(app, another_publisher(release))
    assert await buyer_of(app, "ocds-lsg-1") == "JA-SUZAK-BARPY"


async def test_a_kg_inn_identifier_matches_the_registers_inn(app) -> None:
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Municipality).where(Municipality.code == "JA-SUZAK-BARPY").values(inn=BARPY_INN)
        )
    try:
        buyer = {
            "id": "GOV-77",
            "name": "Айыл өкмөтү",  # a name that alone names nothing
            "identifier": {"scheme": "KG-INN", "id": BARPY_INN},
        }
        await run_import(app, another_publisher(foreign_release("ocds-inn-1", buyer)))
        assert await buyer_of(app, "ocds-inn-1") == "JA-SUZAK-BARPY"
    finally:
        async with app.sessions() as session, session.begin():
            await session.execute(
                update(Municipality).where(Municipality.code == "JA-SUZAK-BARPY").values(inn=None)
            )


async def test_an_inn_of_another_scheme_is_not_taken_for_ours(app) -> None:
    buyer = {"id": "GOV-78", "name": "Айыл өкмөтү", "identifier": {"scheme": "XX", "id": "1" * 14}}
    errors = await refused(app, another_publisher(foreign_release("ocds-inn-2", buyer)))
    assert "is not a known municipality" in errors[0]


async def test_a_merged_units_name_is_its_successor(app) -> None:
    buyer = {"name": "Торогелди Балтагулов айыл өкмөтү"}
    await run_import(app, another_publisher(foreign_release("ocds-old-1", buyer)))
    assert await buyer_of(app, "ocds-old-1") == "JA-ALABUKA-ALABUKA"


async def test_an_old_name_another_unit_still_bears_is_refused_as_ambiguous(app) -> None:
    """Örüktü of Ala-Buka (merged in 2024) and Örüktü of Issyk-Kul District: the code decides."""
    buyer = {"name": "Өрүктү айыл өкмөтү"}
    errors = await refused(app, another_publisher(foreign_release("ocds-old-2", buyer)))
    assert "is ambiguous" in errors[0] and "IK-YSYKKOL-ORUKTU, JA-ALABUKA-ALABUKA" in errors[0]
