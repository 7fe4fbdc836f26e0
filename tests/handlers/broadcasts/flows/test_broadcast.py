"""Staff announcements in the bot: audience, texts in several languages, preview, now or later."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from models import AuditEvent, Broadcast, BroadcastStatus, OutboxMessage
from tests.conftest import clear, make_app
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


def span_around(start_hours: int, end_hours: int) -> str:
    """QUIET_HOURS from `start_hours` to `end_hours` from now (Bishkek): it is quiet now or not,
    whatever time the test runs at."""
    now = datetime.now(ZoneInfo("Asia/Bishkek"))
    start, end = now + timedelta(hours=start_hours), now + timedelta(hours=end_hours)
    return f"{start:%H:%M}-{end:%H:%M}"


async def announce(staff, quiet_span: str) -> None:
    await staff.choose("Announcement (staff)")
    await staff.choose("Residents")
    await staff.choose("No, continue")
    await staff.say("No water tomorrow from 8:00: the main pipe is being repaired.")
    await staff.choose("That's all, continue")
    await staff.choose("Now")


async def sent_broadcast(app) -> tuple[Broadcast, list[str]]:
    async with app.sessions() as session:
        broadcast = await session.scalar(select(Broadcast).order_by(Broadcast.id.desc()))
        actions = list(
            await session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "broadcast_urgent")
            )
        )
    return broadcast, actions


async def test_in_quiet_hours_the_preview_says_it_waits_and_offers_urgent(database) -> None:
    await clear(database)
    span = span_around(-2, 2)
    app = make_app(database, quiet_hours=span)
    end = span.split("-")[1]
    staff = await create_staff(app, "night-officer")
    await announce(staff, span)
    assert f"Quiet hours ({span.replace('-', '–')}): it will wait until {end}." in staff.screen
    assert "Urgent: send in quiet hours too" in staff.screen
    await staff.choose("Yes")  # not urgent: it waits, and the officer is told until when
    assert "is on its way to 1 person." in staff.screen
    assert f"Quiet hours: it goes out at {end}." in staff.screen
    broadcast, audited = await sent_broadcast(app)
    assert not broadcast.urgent and audited == []

    await announce(staff, span)
    await staff.choose("Urgent: send in quiet hours too")
    assert "is on its way to 1 person." in staff.screen
    assert "Quiet hours:" not in staff.screen
    broadcast, audited = await sent_broadcast(app)
    assert broadcast.urgent and audited == [f"broadcast={broadcast.id}"]
    officer = await staff.person()
    async with app.sessions() as session:
        event = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "broadcast_urgent")
        )
    assert event.person_id == officer.id and event.outcome == "ok"


async def test_outside_quiet_hours_nothing_is_asked_about_them(database) -> None:
    await clear(database)
    app = make_app(database, quiet_hours=span_around(2, 4))
    staff = await create_staff(app, "day-officer")
    await announce(staff, "")
    assert "Quiet hours" not in staff.screen and "Urgent" not in staff.screen
    await staff.say("Urgent: send in quiet hours too")  # not on offer
    assert "Please choose one of the options." in staff.screen
    await staff.choose("Yes")
    broadcast, audited = await sent_broadcast(app)
    assert not broadcast.urgent and audited == []
    assert "Quiet hours" not in staff.screen

    # a time set inside quiet hours would wait: then it is offered
    await staff.choose("Announcement (staff)")
    await staff.choose("Residents")
    await staff.choose("No, continue")
    await staff.say("Flood warning for the river banks tonight.")
    await staff.choose("That's all, continue")
    await staff.choose("At a set time")
    later = datetime.now(ZoneInfo("Asia/Bishkek")) + timedelta(hours=3)
    await staff.say(f"{later:%Y-%m-%d %H:%M}")
    assert "Urgent: send in quiet hours too" in staff.screen


async def test_choosing_now_after_going_back_from_a_set_time_sends_now(app, chat) -> None:
    staff = await create_staff(app, "changed-mind")
    await staff.choose("Announcement (staff)")
    await staff.choose("Residents")
    await staff.choose("No, continue")
    await staff.say("Sports day on Sunday.")
    await staff.choose("That's all, continue")
    await staff.choose("At a set time")
    await staff.say("2099-06-01 09:30")
    await staff.say("back")  # to the time
    await staff.say("back")  # to "when should it go?"
    await staff.choose("Now")
    await staff.choose("Yes")
    assert "is on its way to" in staff.screen
    async with app.sessions() as session:
        broadcast = await session.scalar(select(Broadcast))
    assert broadcast.send_at.year != 2099
