"""The 24-hour window: what Kenesh sends on its own goes as a template when the window is
closed, on another address when there is no template, or is skipped with the reason."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.channels.whatsapp.templates import BY_KIND, body_text
from bot.delivery.elsewhere import MOVED, NOWHERE
from models import Address, OutboxMessage, OutboxStatus
from models.base import utcnow
from tests.bot.channels.sms.conftest import start_sms_bot
from tests.bot.channels.whatsapp.conftest import (
    WhatsAppBot,
    start_whatsapp_bot,
    status_event,
    whatsapp_settings,
)
from tests.conftest import Database, clear
from tests.fakes.twilio_api import FakeTwilio
from tests.tender_factories import create_member, create_ngo, create_tender_for

NAMES = "tender=kenesh_tender_alert,notice=kenesh_notice"
LANGUAGE_CODES = {"ky": "ky_KG", "ru": "ru", "uz": "uz", "en": "en"}


@pytest.fixture
async def wa_bot(database: Database, graph) -> AsyncIterator[WhatsAppBot]:
    await clear(database)
    for kind in ("tender", "notice"):
        for language, code in LANGUAGE_CODES.items():
            name = {"tender": "kenesh_tender_alert", "notice": "kenesh_notice"}[kind]
            graph.approve(name, code, body_text(BY_KIND[kind], language))
    bot = await start_whatsapp_bot(database, graph, whatsapp_templates=NAMES)
    yield bot
    await bot.runtime.stop()


async def member(bot, name: str, wa_id: str, *, hours_ago: float, language: str = "en"):
    ngo = await create_ngo(bot.app, f"NGO {name}")
    person = await create_member(
        bot.app, name, ngo, language=language, channel="whatsapp", value="+" + wa_id
    )
    async with bot.app.sessions() as session, session.begin():
        await session.execute(
            update(Address)
            .where(Address.person_id == person.id)
            .values(last_seen_at=utcnow() - timedelta(hours=hours_ago))
        )
    if hours_ago < 24:
        bot.graph.opened(wa_id)
    return person


async def rows(bot, person_id: int) -> list[OutboxMessage]:
    async with bot.app.sessions() as session:
        found = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.person_id == person_id)
            .order_by(OutboxMessage.id)
        )
        return list(found.all())


@pytest.mark.parametrize("language", ["ky", "ru", "uz", "en"])
async def test_a_tender_alert_to_a_closed_window_goes_as_the_template(
    wa_bot, language: str
) -> None:
    closed = await member(wa_bot, "closed", "996555400001", hours_ago=30, language=language)
    fresh = await member(wa_bot, "fresh", "996555400002", hours_ago=2)
    await create_tender_for(wa_bot.app, title="Home care for the elderly")
    await wa_bot.settle()
    [template] = wa_bot.graph.sent_to("996555400001")
    assert template.type == "template"
    assert template.body["template"]["name"] == "kenesh_tender_alert"
    assert template.body["template"]["language"]["code"] == LANGUAGE_CODES[language]
    assert "Home care for the elderly" in template.text  # the alert is the parameter
    [plain] = wa_bot.graph.sent_to("996555400002")
    assert plain.type == "text" and "Home care for the elderly" in plain.text
    [row] = await rows(wa_bot, closed.id)
    assert row.template == "kenesh_tender_alert" and row.status == OutboxStatus.sent
    assert (await rows(wa_bot, fresh.id))[0].template is None


async def test_no_template_goes_by_sms_or_is_skipped_with_the_reason(
    database: Database, graph
) -> None:
    await clear(database)
    twilio = FakeTwilio()
    await twilio.start()
    settings = {k: v for k, v in whatsapp_settings(graph).items() if k != "public_url"}
    sms = await start_sms_bot(database, twilio, **settings)  # and no approved templates
    bot = WhatsAppBot(sms.runtime, graph)
    try:
        alone = await member(bot, "alone", "996555400003", hours_ago=30)
        both = await member(bot, "both", "996555400004", hours_ago=30)
        async with bot.app.sessions() as session, session.begin():
            session.add(Address(person_id=both.id, channel="sms", value="+996555400004"))
        await create_tender_for(bot.app, title="Home care for the elderly")
        await bot.settle()
        assert graph.messages == []
        [skipped] = await rows(bot, alone.id)
        assert skipped.status == OutboxStatus.skipped and skipped.error == NOWHERE
        first, moved = await rows(bot, both.id)
        assert first.status == OutboxStatus.skipped and first.error == MOVED
        assert moved.channel == "sms" and moved.status == OutboxStatus.sent
        [text] = twilio.bodies("+996555400004")
        assert "Home care for the elderly" in text
    finally:
        await sms.runtime.stop()
        await twilio.stop()


async def test_131047_after_sending_sends_the_template_instead(wa_bot, wa_user) -> None:
    user = wa_user("996555400005")
    await user.onboard()
    await member(wa_bot, "m", "996555400006", hours_ago=1)  # we think the window is open
    await create_tender_for(wa_bot.app)
    await wa_bot.settle()
    [plain] = wa_bot.graph.sent_to("996555400006")
    assert plain.type == "text"
    await wa_bot.post(
        status_event(plain.wamid, "failed", "996555400006", 131047, "Re-engagement message")
    )
    await wa_bot.settle()
    again = wa_bot.graph.sent_to("996555400006")[1]
    assert again.type == "template" and again.body["template"]["name"] == "kenesh_tender_alert"
