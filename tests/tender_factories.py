"""Test helpers for tenders: approved NGOs, their subscribed members on a channel, tenders made
through the service, and the alerts the outbox holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import insert, select

from bot.app import App
from handlers.tenders.tenders import Draft, create_tender, publish
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
    organization_municipalities,
)
from models.base import utcnow
from tests.factories import HOME, category, municipality

_inns = iter(range(10**13, 10**14))


async def create_ngo(
    app: App,
    name: str,
    codes: tuple[str, ...] = (HOME,),
    status: OrganizationStatus = OrganizationStatus.approved,
) -> Organization:
    """An NGO working in the municipalities `codes`."""
    places = [await municipality(app, code) for code in codes]
    async with app.sessions() as session, session.begin():
        organization = Organization(
            name=name,
            inn=str(next(_inns)),
            contact_name="Aigul",
            contact_phone="+996555000000",
            status=status,
        )
        session.add(organization)
        await session.flush()
        for place in places:
            await session.execute(
                insert(organization_municipalities).values(
                    organization_id=organization.id, municipality_id=place.id
                )
            )
    return organization


async def create_member(
    app: App,
    address: str,
    organization: Organization,
    *,
    language: str = "en",
    channel: str = "sim",
    follows: tuple[tuple[str, str], ...] = ((HOME, "elderly"),),
    paused: bool = False,
    value: str | None = None,
) -> Person:
    """A member of `organization` with an address on `channel` (`value`: its phone or chat id; also one on
    sim, to chat) and a subscription on `channel` to each (municipality code, sector code) in
    `follows`."""
    home = await municipality(app, HOME)
    pairs = [((await municipality(app, m)).id, (await category(app, c)).id) for m, c in follows]
    async with app.sessions() as session, session.begin():
        person = Person(
            language=language,
            municipality_id=home.id,
            consent=ConsentStatus.given,
            consent_at=utcnow(),
            role=Role.ngo_member,
            organization_id=organization.id,
        )
        session.add(person)
        await session.flush()
        session.add(Address(person_id=person.id, channel="sim", value=address))
        if channel != "sim":
            where = value or f"{channel}-{address}"
            session.add(Address(person_id=person.id, channel=channel, value=where))
        for municipality_id, category_id in pairs:
            session.add(
                Subscription(
                    person_id=person.id,
                    municipality_id=municipality_id,
                    category_id=category_id,
                    channel=channel,
                    paused=paused,
                )
            )
    return person


async def create_tender_for(
    app: App,
    *,
    code: str = HOME,
    sector: str = "elderly",
    title: str = "Home care for the elderly",
    deadline: datetime | None = None,
    published: bool = True,
    budget: str = "150000",
) -> Tender:
    """A tender of `code` made by an operator (no author), published unless told otherwise."""
    place = await municipality(app, code)
    kind = await category(app, sector)
    async with app.sessions() as session, session.begin():
        tender = await create_tender(
            session,
            None,
            Draft(
                municipality_id=place.id,
                category_id=kind.id,
                title=title,
                description="Daily visits to twelve elderly people living alone.",
                budget=Decimal(budget),
                deadline=deadline or utcnow() + timedelta(days=10),
                how_to_apply="Bring the application to the ayil okmotu, room 5.",
                language="en",
            ),
        )
        if published:
            await publish(session, None, tender, app.settings)
    return tender


@dataclass
class Alert:
    """One queued tender message, as the outbox holds it."""

    person_id: int
    channel: str
    kind: str
    body: str


async def alerts(app: App, kind: str | None = None) -> list[Alert]:
    """The tender messages in the outbox (of one kind, e.g. "tender_published"), in order."""
    query = select(OutboxMessage).where(OutboxMessage.kind.like("tender_%"))
    if kind is not None:
        query = query.where(OutboxMessage.kind == kind)
    async with app.sessions() as session:
        rows = (await session.scalars(query.order_by(OutboxMessage.id))).all()
    return [Alert(r.person_id, r.channel, r.kind, r.body) for r in rows]
