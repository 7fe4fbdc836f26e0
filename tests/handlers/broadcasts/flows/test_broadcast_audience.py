"""Announcements in the bot: narrowing the audience, and which municipalities staff and admins reach."""

from __future__ import annotations

from sqlalchemy import select, update

from models import Address, Broadcast, NeedSupport, OutboxMessage, Role
from tests.factories import (
    ELSEWHERE,
    HOME,
    Chat,
    create_invite_code,
    create_need,
    create_resident,
    create_staff,
    municipality,
    onboard,
)


async def on_channel(app, people, channel: str) -> None:
    """Move these people's addresses to `channel` (as if they had written from there)."""
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Address)
            .where(Address.person_id.in_([p.id for p in people]))
            .values(channel=channel)
        )


async def preview_with(staff: Chat, *narrowing: str, audience: str = "Residents") -> str:
    """Go up to the preview with these answers to “Narrow it down further?”, then say no."""
    await staff.choose("Announcement (staff)")
    await staff.choose(audience)
    for answer in narrowing:
        await staff.choose(answer)
    await staff.choose("No, continue")
    await staff.say("Water will be off on Monday from 9 to 12.")
    await staff.choose("That's all, continue")
    await staff.choose("Now")
    shown = staff.screen
    await staff.choose("No")
    assert "Cancelled. Nothing was sent." in staff.screen
    return shown


async def test_filters_narrow_the_preview(app) -> None:
    reporter = await create_resident(app, "tg-ky-1", language="ky")
    neighbour = await create_resident(app, "tg-ky-2", language="ky")
    await on_channel(app, [reporter, neighbour], "telegram")
    await on_channel(app, [await create_resident(app, "sms-ru", language="ru")], "sms")
    supporter = await create_resident(app, "sim-en", language="en")
    await create_resident(app, "far", code=ELSEWHERE)
    await create_need(app, reporter, category_code="water")
    supported = await create_need(app, None, category_code="water")
    await create_need(app, supporter, category_code="roads_lighting")  # another category
    async with app.sessions() as session, session.begin():
        session.add(NeedSupport(need_id=supported.id, person_id=supporter.id))
    staff = await create_staff(app, "officer")  # on the simulator, in English, of Barpy

    everyone = await preview_with(staff)
    assert "Residents · Barpy ayil aimak" in everyone
    assert (
        "Recipients: Terminal simulator 2, SMS 1, Telegram 2. Skipped (stopped or unreachable): 0."
        in everyone
    )

    sms = await preview_with(staff, "Only one channel", "SMS")
    assert "Residents · Barpy ayil aimak · SMS" in sms
    assert "Recipients: SMS 1. Skipped (stopped or unreachable): 0. SMS cost: 1 segments." in sms

    languages = await preview_with(
        staff, "Only some languages", "Кыргызча", "Only some languages", "Русский"
    )
    assert "Residents · Barpy ayil aimak · Kyrgyz, Russian" in languages  # in the reader's words
    assert "Recipients: SMS 1, Telegram 2." in languages

    category = "Only people who reported or supported a need in a category"
    water = await preview_with(staff, category, "Water supply")
    assert "Residents · Barpy ayil aimak · Water supply" in water
    assert (
        "Recipients: Terminal simulator 1, Telegram 1." in water
    )  # the reporter and the supporter

    removed = await preview_with(staff, "Only one channel", "SMS", "Remove the filters")
    assert "Recipients: Terminal simulator 2, SMS 1, Telegram 2." in removed

    await staff.choose("Announcement (staff)")
    await staff.choose("Residents")
    await staff.choose("Only one channel")
    await staff.choose("Telegram")
    assert "Who gets it now: Residents · Barpy ayil aimak · Telegram." in staff.screen
    await staff.choose("No, continue")
    await staff.say("Суу дүйшөмбү күнү өчүрүлөт.")
    await staff.choose("That's all, continue")
    await staff.choose("Now")
    await staff.choose("Yes")
    assert "is on its way to 2 people." in staff.screen
    assert "You can follow it under “My announcements (staff)”." in staff.screen
    async with app.sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
        channels = (
            await session.scalars(
                select(OutboxMessage.channel).where(OutboxMessage.broadcast_id == broadcast.id)
            )
        ).all()
    assert broadcast.channels == ["telegram"] and channels == ["telegram", "telegram"]


async def test_staff_reach_only_their_municipality(app) -> None:
    await create_resident(app, "home-1")
    await create_resident(app, "far-1", code=ELSEWHERE)
    await create_resident(app, "far-2", code=ELSEWHERE)
    staff = await create_staff(app, "officer")
    await staff.choose("Announcement (staff)")
    await staff.choose("Everyone")
    assert "To which municipalities?" not in staff.screen  # staff are not asked
    await staff.choose("No, continue")
    await staff.say("Only for Barpy.")
    await staff.choose("That's all, continue")
    await staff.choose("Now")
    assert "Recipients: Terminal simulator 2." in staff.screen  # the resident and the officer
    await staff.choose("Yes")
    home = await municipality(app, HOME)
    async with app.sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
        reached = set(
            (
                await session.scalars(
                    select(Address.value)
                    .join(OutboxMessage, OutboxMessage.address_id == Address.id)
                    .where(OutboxMessage.broadcast_id == broadcast.id)
                )
            ).all()
        )
    assert broadcast.municipality_id == home.id
    assert reached == {"home-1", "officer"}


async def test_admins_choose_one_municipality_or_all(app) -> None:
    await create_resident(app, "home-1")
    await create_resident(app, "far-1", code=ELSEWHERE)
    await create_resident(app, "far-2", code=ELSEWHERE)
    admin = Chat(app, "admin")
    await onboard(admin)
    await admin.say(await create_invite_code(app, Role.admin, None))

    await admin.choose("Announcement (staff)")
    await admin.choose("Residents")
    await admin.choose("All municipalities")
    assert "Who gets it now: Residents · All municipalities." in admin.screen
    await admin.choose("No, continue")
    await admin.say("For everyone in the country.")
    await admin.choose("That's all, continue")
    await admin.choose("Now")
    assert (
        "Recipients: Terminal simulator 4." in admin.screen
    )  # both municipalities, the admin included
    await admin.choose("No")

    await admin.choose("Announcement (staff)")
    await admin.choose("Residents")
    await admin.choose("One municipality")
    await admin.say("Pokrovka")
    assert "Who gets it now: Residents · Pokrovka ayil aimak." in admin.screen
    await admin.choose("No, continue")
    await admin.say("Only for Pokrovka.")
    await admin.choose("That's all, continue")
    await admin.choose("Now")
    assert "Residents · Pokrovka ayil aimak\nRecipients: Terminal simulator 2." in admin.screen
    await admin.choose("Yes")
    assert "is on its way to 2 people." in admin.screen
    elsewhere = await municipality(app, ELSEWHERE)
    async with app.sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
    assert broadcast.municipality_id == elsewhere.id
