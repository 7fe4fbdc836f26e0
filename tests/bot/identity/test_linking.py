"""A shared phone number makes two records of one human into one person."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from bot.identity.people import addresses_of
from bot.phones import normalize_phone
from models import Address, Need, NeedSupport, Person, Role
from tests.factories import create_need, create_resident, create_staff, onboard


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0555 123 456", "+996555123456"),
        ("+996 555 123-456", "+996555123456"),
        ("996555123456", "+996555123456"),
        ("+7 701 234 5678", "+77012345678"),
        ("12345", None),
        ("call me", None),
    ],
)
def test_phone_numbers_are_normalised_to_e164(typed: str, expected: str | None) -> None:
    assert normalize_phone(typed) == expected


async def test_sharing_a_phone_links_it_and_the_question_continues(app, chat) -> None:
    person = chat("tg-1")
    await onboard(person)
    await person.choose("Report a need")
    await person.say("/contact 0555 123 456")
    assert "Your phone number is linked" in person.screen
    assert "What is the need about?" in person.screen  # back to the same question
    assert await person.addresses() == [
        ("sim", "tg-1"),
        ("sms", "+996555123456"),
    ]


async def test_a_bad_number_is_refused_and_nothing_changes(app, chat) -> None:
    person = chat("tg-2")
    await onboard(person)
    await person.say("/contact 12")
    assert "This phone number does not look right" in person.screen
    assert len(await person.addresses()) == 1


async def test_the_same_phone_merges_two_records_into_one(app, chat) -> None:
    # Someone who wrote by SMS before, with a report and a support, and a staff role…
    sms_self = await create_resident(app, "+996555000111")
    async with app.sessions() as session, session.begin():
        stored = await session.get(Person, sms_self.id)
        stored.role = Role.admin
        address = await session.scalar(select(Address).where(Address.person_id == sms_self.id))
        address.channel = "sms"
    old_need = await create_need(app, sms_self, description="Reported by SMS")
    liked = await create_need(app, await create_resident(app, "x"), description="Liked twice")

    person = chat("tg-3")  # …now writes on another channel and shares that phone
    await onboard(person)
    me = await person.person()
    from handlers.needs.needs import support_need

    async with app.sessions() as session, session.begin():
        for supporter in (me.id, sms_self.id):
            assert await support_need(
                session, await session.get(Person, supporter), await session.get(Need, liked.id)
            )
    await person.say("/contact +996 555 000 111")

    async with app.sessions() as session:
        assert await session.get(Person, sms_self.id) is None
        merged = await session.get(Person, me.id)
        assert merged.role == Role.admin
        assert {(a.channel, a.value) for a in await addresses_of(session, merged.id)} == {
            ("sim", "tg-3"),
            ("sms", "+996555000111"),
        }
        assert (await session.get(Need, old_need.id)).reporter_id == me.id
        supports = await session.scalar(
            select(func.count()).select_from(NeedSupport).where(NeedSupport.need_id == liked.id)
        )
        assert supports == 1  # one human supports once
    assert "Needs of my municipality (staff)" in (await person.say("menu"))


async def test_staff_keeps_their_role_when_linking(app, chat) -> None:
    staff = await create_staff(app, "officer")
    await staff.say("/contact 0700 111 222")
    assert (await staff.person()).role == Role.staff


async def test_merging_keeps_the_ngo_membership_and_subscriptions(app, chat) -> None:
    from models import Subscription
    from tests.tender_factories import create_member, create_ngo

    ngo = await create_ngo(app, "Umut")
    # an NGO member known by SMS, subscribed there to two sector/municipality pairs…
    member = await create_member(
        app,
        "sms-member",
        ngo,
        channel="sms",
        value="+996555000222",
        follows=(("JA-SUZAK-BARPY", "elderly"), ("JA-SUZAK-BARPY", "water")),
    )
    person = chat("tg-4")  # …starts on another channel, follows one of them too, and links
    await onboard(person)
    me = await person.person()
    async with app.sessions() as session, session.begin():
        [first] = (
            await session.scalars(select(Subscription).where(Subscription.person_id == member.id))
        ).all()[:1]
        session.add(
            Subscription(
                person_id=me.id,
                municipality_id=first.municipality_id,
                category_id=first.category_id,
                channel="sim",
            )
        )
    await person.say("/contact +996 555 000 222")

    async with app.sessions() as session:
        assert await session.get(Person, member.id) is None
        merged = await session.get(Person, me.id)
        assert (merged.organization_id, merged.role) == (ngo.id, Role.ngo_member)
        subscriptions = (
            await session.scalars(select(Subscription).where(Subscription.person_id == me.id))
        ).all()
        assert len(subscriptions) == 2  # the shared pair once, the other moved over


@pytest.mark.parametrize("owner", ["nobody", "sms"])
@pytest.mark.parametrize("rounds", [6])
async def test_two_chats_sharing_one_phone_at_once_become_one_person(
    database, app, owner, rounds
) -> None:
    """Two processes, two chats, one verified phone at the same moment: no failed turn, and
    every record of that human ends up as one person (whichever process went first)."""
    from bot.conversation.engine import APOLOGY
    from tests.conftest import make_app
    from tests.factories import Chat, t

    for n in range(rounds):
        phone = f"+99655500{n:04d}"
        if owner == "sms":
            sms_self = await create_resident(app, f"sms-{n}")
            async with app.sessions() as session, session.begin():
                address = await session.scalar(
                    select(Address).where(Address.person_id == sms_self.id)
                )
                address.channel, address.value = "sms", phone
        first, second = Chat(make_app(database), f"a-{n}"), Chat(make_app(database), f"b-{n}")
        for person in (first, second):
            await onboard(person)
        screens = await asyncio.gather(
            first.say(f"/contact {phone}"), second.say(f"/contact {phone}")
        )
        for screen in screens:
            assert t("en", APOLOGY) not in screen
            assert "Your phone number is linked" in screen
        async with app.sessions() as session:
            people = {
                a.person_id
                for a in (
                    await session.scalars(
                        select(Address).where(Address.value.in_([phone, f"a-{n}", f"b-{n}"]))
                    )
                ).all()
            }
        assert len(people) == 1, f"round {n}: {people}"
