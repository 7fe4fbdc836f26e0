"""Ocids stay unique when imported tenders hold the ones Kenesh would make."""

from __future__ import annotations

from sqlalchemy import select

from models import Tender
from tests.tender_factories import create_tender_for


async def test_a_published_tender_never_takes_an_imported_tenders_ocid(app) -> None:
    imported = await create_tender_for(app, title="Imported", published=False)
    async with app.sessions() as session, session.begin():
        stored = await session.get(Tender, imported.id)
        # what an import of another database's export leaves: its ocid, on another id
        stored.ocid = f"{app.settings.ocds_prefix}-{imported.id + 1:06d}"
    ours = await create_tender_for(app, title="Ours")
    async with app.sessions() as session:
        ocids = (await session.scalars(select(Tender.ocid).order_by(Tender.id))).all()
    assert ours.id == imported.id + 1
    assert ocids == [
        f"{app.settings.ocds_prefix}-{ours.id:06d}",
        f"{app.settings.ocds_prefix}-{ours.id:06d}-2",
    ]
