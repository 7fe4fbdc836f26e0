"""Broadcasts over WhatsApp: the preview shows the window and the template's category and the
days the messaging limit spreads it over; the report counts what the window stopped."""

from __future__ import annotations

from datetime import timedelta

from bot.i18n import translator
from handlers.broadcasts.broadcasts import queue_broadcast
from handlers.broadcasts.preview import preview, whatsapp_lines
from handlers.broadcasts.progress import describe, progress
from models import Address, ConsentStatus, Person
from models.base import utcnow
from tests.factories import HOME, create_home_broadcast, municipality


async def residents(bot, count: int, hours_ago: float, start: int) -> None:
    home = await municipality(bot.app, HOME)
    async with bot.app.sessions() as session, session.begin():
        for i in range(start, start + count):
            person = Person(language="ky", municipality_id=home.id, consent=ConsentStatus.given)
            session.add(person)
            await session.flush()
            seen = utcnow() - timedelta(hours=hours_ago)
            session.add(
                Address(
                    person_id=person.id,
                    channel="whatsapp",
                    value=f"+99655560{i:04d}",
                    last_seen_at=seen,
                )
            )


async def test_the_preview_counts_the_window_category_and_days(wa_bot) -> None:
    await residents(wa_bot, 3, hours_ago=1, start=0)
    await residents(wa_bot, 600, hours_ago=48, start=100)
    home = await municipality(wa_bot.app, HOME)
    async with wa_bot.app.sessions() as session, session.begin():
        broadcast = await create_home_broadcast(session, home.id, "Жыйын жума күнү")
        seen = await preview(session, broadcast, daily_limit=250)
        await session.rollback()
    assert (seen.whatsapp_open, seen.whatsapp_closed) == (3, 600)
    assert seen.whatsapp_category == "marketing" and seen.whatsapp_days == 3
    lines = whatsapp_lines(translator("en"), seen)
    assert "3 within the 24-hour window, 600 outside it" in lines[0]
    assert "marketing template" in lines[0] and "3 days" in lines[1]


async def test_without_a_template_the_report_counts_the_skipped(wa_bot) -> None:
    await residents(wa_bot, 2, hours_ago=1, start=0)
    await residents(wa_bot, 2, hours_ago=48, start=10)
    for i in (0, 1):  # the fake keeps its own record of who wrote
        wa_bot.graph.opened(f"99655560{i:04d}")
    home = await municipality(wa_bot.app, HOME)
    async with wa_bot.app.sessions() as session, session.begin():
        broadcast = await create_home_broadcast(session, home.id, "Жыйын жума күнү")
        await queue_broadcast(session, broadcast)
    await wa_bot.settle()
    assert len(wa_bot.graph.messages) == 2
    async with wa_bot.app.sessions() as session:
        figures = await progress(session, broadcast.id)
    assert figures["whatsapp"].sent == 2 and figures["whatsapp"].skipped["no_template"] == 2
    text = "\n".join(describe(translator("en"), figures))
    assert "WhatsApp window closed, no template (2)" in text
