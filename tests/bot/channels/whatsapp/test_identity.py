"""One number on WhatsApp and SMS is one person with one history; WhatsApp alone is a valid
deployment."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from models import Address, Person
from tests.bot.channels.sms.conftest import SmsUser, start_sms_bot
from tests.bot.channels.whatsapp.conftest import WhatsAppBot, WhatsAppUser, whatsapp_settings
from tests.conftest import Database, clear, make_app
from tests.factories import create_need
from tests.fakes.twilio_api import FakeTwilio


@pytest.fixture
async def both(database: Database, graph) -> AsyncIterator[tuple[WhatsAppBot, object]]:
    twilio = FakeTwilio()
    await twilio.start()
    await clear(database)
    settings = {k: v for k, v in whatsapp_settings(graph).items() if k != "public_url"}
    sms = await start_sms_bot(database, twilio, **settings)
    yield WhatsAppBot(sms.runtime, graph), sms
    await sms.runtime.stop()
    await twilio.stop()


@pytest.mark.parametrize("first", ["sms", "whatsapp"])
async def test_one_number_by_whatsapp_and_sms_is_one_person(both, first: str) -> None:
    wa_bot, sms_bot = both
    whatsapp = WhatsAppUser(wa_bot, "996555300001")
    sms = SmsUser(sms_bot, "+996555300001")
    if first == "sms":
        await sms.say("Salam")
        await sms.say("4")  # English
        await sms.say("Барпы")
        await sms.say("1")  # the place is right
        await sms.say("1")  # consent: yes
        await whatsapp.say("menu")
        assert "Report a need" in whatsapp.screen  # no second onboarding: the same person
    else:
        await whatsapp.onboard()
        await sms.say("menu")
        assert "Report a need" in sms.screen
    async with wa_bot.app.sessions() as session:
        people = await session.scalar(select(func.count()).select_from(Person))
        channels = set((await session.scalars(select(Address.channel))).all())
        person = await session.scalar(select(Person))
    assert people == 1 and channels == {"sms", "whatsapp"}
    need = await create_need(wa_bot.app, person, description="The well is dry")
    await whatsapp.say("menu")
    await whatsapp.press("My reports")  # a report made by SMS is in the WhatsApp history
    assert need.reference in whatsapp.screen


async def test_whatsapp_alone_is_a_valid_deployment(database: Database, graph) -> None:
    await clear(database)
    app = make_app(database, **whatsapp_settings(graph))
    runtime = Runtime(app)
    assert set(runtime.channels) == {"whatsapp"}
    await runtime.start()
    try:
        user = WhatsAppUser(WhatsAppBot(runtime, graph), "996555300002")
        await user.onboard()
        assert "Report a need" in user.screen
    finally:
        await runtime.stop()
