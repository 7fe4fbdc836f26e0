"""A realistic tender history for the OCDS tests: published, updated, extended, cancelled and
awarded tenders across two municipalities, plus drafts that must never be exported; and an NGO
member subscribed to one of them, to see alerts go out."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.app import App
from handlers.tenders.tenders import (
    Draft,
    award,
    cancel,
    create_tender,
    extend_deadline,
    publish,
    update,
)
from models import (
    Address,
    ConsentStatus,
    Organization,
    OrganizationStatus,
    OutboxMessage,
    Person,
    Role,
    Subscription,
    Tender,
    TenderRelease,
)
from models.base import utcnow
from tests.factories import ELSEWHERE, HOME, ZONE, category, municipality

WINNER_INN = "02403199910049"


@dataclass
class History:
    """Tender ids by what happened to them."""

    published: int
    updated: int
    extended: int
    cancelled: int
    awarded: int
    draft: int
    cancelled_draft: int
    winner: Organization

    @property
    def exported(self) -> list[int]:
        """The tenders an export shows: every published one."""
        return [self.published, self.updated, self.extended, self.cancelled, self.awarded]


def in_days(days: float) -> object:
    """A deadline `days` ahead, with microseconds (OCDS keeps seconds: imports must cope)."""
    return utcnow() + timedelta(days=days)


async def make_tender(
    app: App,
    code: str,
    sector: str,
    title: str,
    *,
    budget: str = "150000",
    days: float = 14,
    published: bool = True,
    language: str = "ru",
) -> Tender:
    """A tender of municipality `code` in `sector`, published unless told otherwise."""
    place, kind = await municipality(app, code), await category(app, sector)
    async with app.sessions() as session, session.begin():
        draft = Draft(
            municipality_id=place.id,
            category_id=kind.id,
            title=title,
            description=f"{title}: terms of reference",
            budget=Decimal(budget),
            deadline=in_days(days),
            how_to_apply="Bring the application to the ayil okmotu, room 5",
            language=language,
        )
        tender = await create_tender(session, None, draft)
        if published:
            await publish(session, None, tender, app.settings)
    return tender


async def create_history(app: App) -> History:
    """Five published tenders (one of each change) and two drafts, in HOME and ELSEWHERE."""
    async with app.sessions() as session, session.begin():
        winner = Organization(
            name="Umut Public Foundation",
            inn=WINNER_INN,
            contact_name="Aigul",
            contact_phone="+996555000111",
            status=OrganizationStatus.approved,
        )
        session.add(winner)
    published = await make_tender(app, HOME, "water", "Водопровод для села Барпы")
    updated = await make_tender(app, HOME, "education", "Кружки для детей")
    extended = await make_tender(app, ELSEWHERE, "youth", "Молодёжный центр", budget="80000.50")
    cancelled = await make_tender(app, ELSEWHERE, "health", "Медпункт")
    awarded = await make_tender(app, HOME, "elderly", "Уход за пожилыми", language="ky")
    draft = await make_tender(app, ELSEWHERE, "culture", "Черновик", published=False)
    dropped = await make_tender(app, HOME, "culture", "Отменённый черновик", published=False)
    async with app.sessions() as session, session.begin():
        await update(
            session,
            None,
            await session.get(Tender, updated.id),
            {
                "title": "Кружки для детей и подростков",
                "budget": Decimal("200000.50"),
                "document_url": "https://barpy.example.kg/tenders/kruzhki.pdf",
            },
            zone=ZONE,
        )
        extending = await session.get(Tender, extended.id)
        await extend_deadline(
            session, None, extending, extending.deadline + timedelta(days=7), zone=ZONE
        )
        await cancel(
            session, None, await session.get(Tender, cancelled.id), "Нет финансирования", zone=ZONE
        )
        await award(
            session,
            None,
            await session.get(Tender, awarded.id),
            winner,
            Decimal("140000"),
            zone=ZONE,
        )
        await cancel(session, None, await session.get(Tender, dropped.id), "never mind", zone=ZONE)
    return History(
        published.id,
        updated.id,
        extended.id,
        cancelled.id,
        awarded.id,
        draft.id,
        dropped.id,
        winner,
    )


@pytest.fixture
async def history(app: App) -> History:
    return await create_history(app)


async def create_subscriber(app: App, address: str, code: str, sector: str) -> Person:
    """A member of an approved NGO following (`code`, `sector`) on the simulator."""
    place, kind = await municipality(app, code), await category(app, sector)
    async with app.sessions() as session, session.begin():
        ngo = Organization(
            name=f"NGO of {address}",
            inn=f"{abs(hash(address)) % 10**14:014d}",
            contact_name="Bakyt",
            contact_phone="+996555000222",
            status=OrganizationStatus.approved,
        )
        session.add(ngo)
        await session.flush()
        person = Person(
            language="en",
            municipality_id=place.id,
            consent=ConsentStatus.given,
            consent_at=utcnow(),
            role=Role.ngo_member,
            organization_id=ngo.id,
        )
        session.add(person)
        await session.flush()
        session.add(Address(person_id=person.id, channel="sim", value=address))
        session.add(
            Subscription(
                person_id=person.id, municipality_id=place.id, category_id=kind.id, channel="sim"
            )
        )
    return person


async def alerts(app: App, person: Person) -> list[str]:
    """The kinds of tender alerts queued for `person`, oldest first."""
    async with app.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage.kind)
            .where(OutboxMessage.person_id == person.id)
            .order_by(OutboxMessage.id)
        )
        return list(rows.all())


async def count_rows(app: App, model: type) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def release_tags(app: App, tender_id: int) -> list[str]:
    """The tags of the releases stored for a tender, in order."""
    async with app.sessions() as session:
        rows = await session.scalars(
            select(TenderRelease.tag)
            .where(TenderRelease.tender_id == tender_id)
            .order_by(TenderRelease.id)
        )
        return list(rows.all())
