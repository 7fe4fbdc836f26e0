"""Meta's limits and errors: rate limits wait and retry through the pacer, a blocked or
undeliverable number stops sends, the messaging-limit tier spreads templates over days."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels.whatsapp.templates import BY_KIND, body_text
from handlers.broadcasts.broadcasts import queue_broadcast
from models import Address, OutboxMessage, OutboxStatus, Person
from models.base import utcnow
from tests.bot.channels.whatsapp.conftest import WhatsAppBot, start_whatsapp_bot
from tests.bot.channels.whatsapp.test_broadcasts import residents
from tests.bot.channels.whatsapp.test_window import member, rows
from tests.conftest import Database, clear
from tests.factories import HOME, create_home_broadcast, municipality
from tests.fakes.whatsapp_api import FakeGraph
from tests.tender_factories import create_tender_for


async def address_of(bot, phone: str) -> Address:
    async with bot.app.sessions() as session:
        return await session.scalar(select(Address).where(Address.value == phone))


@pytest.mark.parametrize("code", [130429, 131056])
async def test_a_rate_limit_waits_and_retries_through_the_pacer(wa_bot, wa_user, code) -> None:
    user = wa_user("996555500001")
    wa_bot.graph.fail_next(code, "Rate limit hit", to=user.wa_id)
    [welcome] = await user.say("hi")
    assert [c for c, _ in wa_bot.graph.refused] == [code]
    async with wa_bot.app.sessions() as session:
        row = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.provider_id == welcome.wamid)
        )
    assert row.status == OutboxStatus.sent and row.attempts == 1


async def test_http_429_waits_and_retries(wa_bot, wa_user) -> None:
    user = wa_user("996555500002")
    wa_bot.graph.fail_next(4, "Too many calls", to=user.wa_id, status=429)
    assert len(await user.say("hi")) == 1


@pytest.mark.parametrize("code", [131050, 131026])
async def test_a_number_that_stopped_us_or_cannot_receive_gets_nothing_more(
    wa_bot, wa_user, code
) -> None:
    user = wa_user("996555500003")
    await user.onboard()
    wa_bot.graph.fail_next(code, "Unable to deliver", to=user.wa_id)
    await user.say("menu")
    assert (await address_of(wa_bot, user.phone)).unreachable
    async with wa_bot.app.sessions() as session:
        failed = await session.scalar(
            select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.failed)
        )
    assert failed.error.startswith(f"whatsapp {code}")


@pytest.fixture
async def tiered(database: Database, graph) -> AsyncIterator[WhatsAppBot]:
    await clear(database)
    graph.tier = 250
    graph.approve("kenesh_tender_alert", "en", body_text(BY_KIND["tender"], "en"))
    bot = await start_whatsapp_bot(
        database, graph, whatsapp_templates="tender=kenesh_tender_alert", whatsapp_tier="250"
    )
    yield bot
    await bot.runtime.stop()


async def test_past_the_tier_a_template_waits_for_the_next_day(tiered) -> None:
    """250 people reached by templates today: the 251st waits; someone reached today does not."""
    bot = tiered
    now = utcnow()
    async with bot.app.sessions() as session, session.begin():
        for i in range(250):
            person = Person(language="en")
            session.add(person)
            await session.flush()
            address = Address(person_id=person.id, channel="whatsapp", value=f"+99677{i:07d}")
            session.add(address)
            await session.flush()
            sent_at = now - timedelta(hours=20) + timedelta(seconds=i)
            session.add(
                OutboxMessage(
                    person_id=person.id,
                    address_id=address.id,
                    channel="whatsapp",
                    body="earlier",
                    status=OutboxStatus.sent,
                    template="kenesh_tender_alert",
                    sent_at=sent_at,
                )
            )
            bot.graph.reached[f"99677{i:07d}"] = sent_at.timestamp()
    late = await member(bot, "late", "996555500010", hours_ago=30)
    await create_tender_for(bot.app)
    await bot.settle()
    assert bot.graph.sent_to("996555500010") == []
    [row] = await rows(bot, late.id)
    assert row.status == OutboxStatus.queued and "messaging limit" in row.error
    assert row.not_before - now > timedelta(hours=3)  # when the oldest reach turns 24 hours
    assert [c for c, _ in bot.graph.refused] == []  # we held back: Meta never had to refuse


async def test_a_broadcast_keeps_to_whatsapp_rate(database: Database) -> None:
    """Against a fake that answers 130429 past 80 a second, 240 messages go without one."""
    await clear(database)
    graph = FakeGraph(rate=80)
    await graph.start()
    bot = await start_whatsapp_bot(database, graph, whatsapp_rate=80)
    try:
        await residents(bot, 240, hours_ago=1, start=0)
        for i in range(240):
            graph.opened(f"99655560{i:04d}")
        home = await municipality(bot.app, HOME)
        async with bot.app.sessions() as session, session.begin():
            broadcast = await create_home_broadcast(session, home.id, "Жыйын жума күнү")
            await queue_broadcast(session, broadcast)
        await bot.settle(timeout=60)
        assert len(graph.messages) == 240
        assert [code for code, _ in graph.refused] == []
    finally:
        await bot.runtime.stop()
        await graph.stop()
