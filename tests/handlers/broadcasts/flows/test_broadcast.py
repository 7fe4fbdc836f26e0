"""Staff announcements in the bot: audience, texts in several languages, preview, now or later."""

from __future__ import annotations

from sqlalchemy import select

from models import Broadcast, BroadcastStatus, OutboxMessage
from tests.factories import ELSEWHERE, HOME, create_resident, create_staff, municipality, onboard


async def test_staff_announce_now_in_two_languages(app, chat) -> None:
    ky = await create_resident(app, "ky-reader", language="ky")
    ru = await create_resident(app, "ru-reader", language="ru")
    uz = await create_resident(app, "uz-reader", language="uz")
    await create_resident(app, "far-away", code=ELSEWHERE)
    staff = await create_staff(app, "officer")

    await staff.choose("Announcement (staff)")
    await staff.choose("Residents")
    await staff.choose("No, continue")
    await staff.say("Public hearing on the budget, Friday 10:00.")
    await staff.choose("Кыргызча")
    await staff.say("Бюджет боюнча коомдук угуу, жума күнү саат 10:00.")
    await staff.choose("Русский")
    await staff.say("Публичные слушания по бюджету, пятница 10:00.")
    await staff.choose("That's all, continue")
    await staff.choose("Now")
    # the three residents and the officer themselves (a resident of Barpy too)
    assert (
        "Recipients: Terminal simulator 4. Skipped (stopped or unreachable): 0. SMS cost: 0 segments."
        in staff.screen
    )
    await staff.choose("Yes")
    assert "is on its way to 4 people." in staff.screen

    async with app.sessions() as session:
        rows = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.kind == "broadcast"))
        ).all()
    bodies = {row.person_id: row.body for row in rows}
    # each prefixed with who speaks, the municipality's name in the reader's language
    assert bodies[ky.id] == "Барпы айыл аймагы: Бюджет боюнча коомдук угуу, жума күнү саат 10:00."
    assert bodies[ru.id] == "Айыльный аймак Барпы: Публичные слушания по бюджету, пятница 10:00."
    uzbek_name = (await municipality(app, HOME)).name("uz")  # another test may clear it
    assert bodies[uz.id] == (  # the text closest: Kyrgyz
        f"{uzbek_name}: Бюджет боюнча коомдук угуу, жума күнү саат 10:00."
    )


async def test_staff_schedule_an_announcement_and_bad_times_are_refused(app, chat) -> None:
    staff = await create_staff(app, "planner")
    await staff.choose("Announcement (staff)")
    await staff.choose("Everyone")
    await staff.choose("No, continue")
    await staff.say("Sports day on Sunday.")
    await staff.choose("That's all, continue")
    await staff.choose("At a set time")
    await staff.say("tomorrow")
    assert "Write the time like 2026-12-01 10:00." in staff.screen
    await staff.say("2020-01-01 10:00")
    assert "That time has passed." in staff.screen
    await staff.say("2099-06-01 09:30")
    await staff.choose("Yes")
    assert "will be sent at 2099-06-01 09:30." in staff.screen
    async with app.sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
    assert broadcast.status == BroadcastStatus.scheduled
    assert broadcast.send_at.isoformat() == "2099-06-01T03:30:00+00:00"  # Bishkek is UTC+6


async def test_residents_cannot_announce(app, chat) -> None:
    resident = chat("resident")
    await onboard(resident)
    assert "Announcement (staff)" not in resident.screen
    await resident.say("Announcement (staff)")
    assert "Please choose one of the options." in resident.screen
