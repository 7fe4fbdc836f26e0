"""Subscriptions: only members of approved NGOs subscribe, and subscribers() finds exactly the
people subscribed to one municipality and sector, on their channel."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.audit import PermissionDenied
from handlers.ngos.ngos import join_organization
from handlers.ngos.subscriptions import (
    set_paused,
    subscribe,
    subscribers,
    subscription_channels,
    subscriptions_of,
    unsubscribe,
)
from models import Address, AuditEvent, OrganizationStatus, Person, Subscription
from tests.factories import ELSEWHERE, HOME, category, create_resident, municipality
from tests.handlers.ngos.test_ngos import create_organization


async def add_member(app, address: str, code: str | None, channels: tuple[str, ...] = ()) -> Person:
    """A resident who joins the approved NGO with `code` (None: stays outside), with addresses
    on `channels` besides the simulator."""
    person = await create_resident(app, address)
    async with app.sessions() as session, session.begin():
        stored = await session.get(Person, person.id)
        for channel in channels:
            session.add(Address(person_id=person.id, channel=channel, value=f"{channel}-{address}"))
        if code is not None:
            assert await join_organization(session, stored, code) is not None
    return stored


async def subscribe_directly(app, person: Person, place: str, sector: str, **values) -> None:
    """A subscription row as if made earlier (whatever the person's NGO has become since)."""
    municipality_id = (await municipality(app, place)).id
    category_id = (await category(app, sector)).id
    async with app.sessions() as session, session.begin():
        session.add(
            Subscription(
                person_id=person.id,
                municipality_id=municipality_id,
                category_id=category_id,
                channel=values.pop("channel", "sim"),
                **values,
            )
        )


async def test_subscribers_are_exactly_the_approved_members_subscribed_to_that_pair(app) -> None:
    approved = await create_organization(app, None, status=OrganizationStatus.approved)
    other_approved = await create_organization(
        app, None, name="Other", inn="01503201910013", status=OrganizationStatus.approved
    )
    pending_founder = await create_resident(app, "pending-founder")
    await create_organization(app, pending_founder, name="Pending", inn="01503201910014")
    rejected = await create_organization(
        app, None, name="Rejected", inn="01503201910015", status=OrganizationStatus.rejected
    )

    on_telegram = await add_member(app, "on-telegram", approved.join_code, ("telegram",))
    on_sms = await add_member(app, "on-sms", other_approved.join_code, ("sms",))
    paused = await add_member(app, "paused", approved.join_code)
    elsewhere = await add_member(app, "elsewhere", approved.join_code)
    other_sector = await add_member(app, "other-sector", approved.join_code)
    resident = await add_member(app, "resident", None)
    once_rejected = await add_member(app, "once-rejected", None)
    async with app.sessions() as session, session.begin():
        (await session.get(Person, once_rejected.id)).organization_id = rejected.id

    await subscribe_directly(app, on_telegram, HOME, "education", channel="telegram")
    await subscribe_directly(app, on_telegram, HOME, "youth", channel="telegram")
    await subscribe_directly(app, on_sms, HOME, "education", channel="sms")
    await subscribe_directly(app, paused, HOME, "education", paused=True)
    await subscribe_directly(app, elsewhere, ELSEWHERE, "education")
    await subscribe_directly(app, other_sector, HOME, "health")
    await subscribe_directly(app, pending_founder, HOME, "education")
    await subscribe_directly(app, resident, HOME, "education")
    await subscribe_directly(app, once_rejected, HOME, "education")

    home, education = (await municipality(app, HOME)).id, (await category(app, "education")).id
    elsewhere_id, water = (await municipality(app, ELSEWHERE)).id, (await category(app, "water")).id
    async with app.sessions() as session:
        found = await subscribers(session, home, education)
        assert [(person.id, channel) for person, channel in found] == [
            (on_telegram.id, "telegram"),
            (on_sms.id, "sms"),
        ]
        assert [p.id for p, _ in await subscribers(session, elsewhere_id, education)] == [
            elsewhere.id
        ]
        assert await subscribers(session, elsewhere_id, water) == []


async def test_subscribing_pausing_and_removing(app) -> None:
    approved = await create_organization(app, None, status=OrganizationStatus.approved)
    member = await add_member(app, "member", approved.join_code, ("sms",))
    places = [(await municipality(app, code)).id for code in (HOME, ELSEWHERE)]
    sectors = [(await category(app, code)).id for code in ("education", "youth")]
    health = (await category(app, "health")).id
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, member.id)
        assert await subscription_channels(session, person) == ["sim", "sms"]
        assert await subscribe(session, person, places, sectors, "sms") == 4
        assert await subscribe(session, person, places[:1], sectors, "sim") == 0  # moved only
        mine = await subscriptions_of(session, person)
        assert sorted(s.channel for s in mine) == ["sim", "sim", "sms", "sms"]
        assert await set_paused(session, person, True) == 4
        assert await subscribers(session, places[0], sectors[0]) == []
        assert await subscribe(session, person, places, [health], "sms") == 2
        assert all(s.paused for s in await subscriptions_of(session, person))  # still paused
        assert await set_paused(session, person, False) == 6
        assert await unsubscribe(session, person, mine[0].id) is True
        assert await unsubscribe(session, person, mine[0].id) is False
        assert len(await subscriptions_of(session, person)) == 5
        with pytest.raises(ValueError):
            await subscribe(session, person, places, sectors, "telegram")  # no such address


async def test_others_cannot_touch_someone_elses_subscription(app) -> None:
    approved = await create_organization(app, None, status=OrganizationStatus.approved)
    member = await add_member(app, "member", approved.join_code)
    colleague = await add_member(app, "colleague", approved.join_code)
    await subscribe_directly(app, member, HOME, "education")
    async with app.sessions() as session, session.begin():
        theirs = (await subscriptions_of(session, member))[0]
        assert (
            await unsubscribe(session, await session.get(Person, colleague.id), theirs.id) is False
        )
        assert await set_paused(session, await session.get(Person, colleague.id), True) == 0
        assert (await session.get(Subscription, theirs.id)).paused is False


async def test_only_members_of_an_approved_ngo_may_subscribe(app) -> None:
    founder = await create_resident(app, "founder")
    await create_organization(app, founder)  # pending
    resident = await create_resident(app, "resident")
    place, sector = (await municipality(app, HOME)).id, (await category(app, "education")).id
    async with app.sessions() as session, session.begin():
        for person_id in (founder.id, resident.id):
            person = await session.get(Person, person_id)
            with pytest.raises(PermissionDenied):
                await subscribe(session, person, [place], [sector], "sim")
    async with app.sessions() as session:
        assert (await session.scalars(select(Subscription))).all() == []
        refused = await session.scalars(
            select(AuditEvent.person_id).where(
                AuditEvent.action == "subscribe", AuditEvent.outcome == "refused"
            )
        )
        assert refused.all() == [founder.id, resident.id]


async def test_an_opted_out_address_is_no_channel_to_subscribe_on(app) -> None:
    approved = await create_organization(app, None, status=OrganizationStatus.approved)
    member = await add_member(app, "member", approved.join_code, ("sms",))
    async with app.sessions() as session, session.begin():
        sms = await session.scalar(select(Address).where(Address.channel == "sms"))
        sms.opted_out = True
        assert await subscription_channels(session, await session.get(Person, member.id)) == ["sim"]
