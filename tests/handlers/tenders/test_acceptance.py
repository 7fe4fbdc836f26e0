"""Issue 6, done when: staff publish a tender in the bot (here on Telegram) and exactly the
subscribed NGO members get the alert — on Telegram through the Bot API, on SMS through Twilio —
each in their own language; reminders then arrive once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import update

from bot.runtime import Runtime
from models import TenderReminder
from models.base import utcnow
from tests.bot.channels.sms.conftest import FROM, PUBLIC
from tests.bot.channels.telegram.conftest import SECRET, TOKEN, Bot, TelegramUser, wait_for_text
from tests.conftest import Database, clear, make_app
from tests.factories import create_invite_code
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio
from tests.handlers.tenders.flows.test_tender_new import in_days
from tests.tender_factories import create_member, create_ngo


@pytest.fixture
async def both(database: Database) -> AsyncIterator[tuple[Bot, FakeTwilio]]:
    """One Kenesh process with Telegram (webhook, fake Bot API) and SMS (fake Twilio)."""
    await clear(database)
    telegram, twilio = FakeTelegram(max_poll_wait=0.2), FakeTwilio()
    await telegram.start()
    await twilio.start()
    app = make_app(
        database,
        telegram_bot_token=TOKEN,
        telegram_api_url=telegram.base_url,
        telegram_polling_timeout=1,
        telegram_rate=1000,
        public_url=PUBLIC,  # Telegram by webhook, Twilio's callbacks
        telegram_webhook_secret=SECRET,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_from=FROM,
        twilio_api_url=twilio.base_url,
        sms_rate=1000,
        schedule_tick_seconds=0.1,
    )
    runtime = Runtime(app)
    runtime.worker.idle_seconds = 0.05
    runtime.channels["telegram"].sender.per_address_interval = 0.0
    await runtime.start()
    try:
        yield Bot(runtime, telegram, webhook=True), twilio
    finally:
        await runtime.stop()
        await twilio.stop()
        await telegram.stop()


async def test_published_on_telegram_alerted_on_telegram_and_sms_then_reminded_once(
    both, database: Database
) -> None:
    bot, twilio = both
    app = bot.app
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "ky", ngo, language="ky", channel="telegram", value="5001")
    await create_member(app, "ru", ngo, language="ru", channel="sms", value="+996555123001")
    await create_member(app, "water", ngo, channel="telegram", value="5002", follows=())
    await create_member(
        app, "uz", ngo, language="uz", channel="sms", value="+996555123002", paused=True
    )

    officer = TelegramUser(bot, 4001)
    await officer.onboard()
    await officer.say(await create_invite_code(app))
    await officer.press("Tenders (staff)")
    await officer.press("Announce a new tender")
    await officer.say("Home care for the elderly")
    await officer.say("Daily visits to twelve elderly people who live alone in Barpy.")
    await officer.press("Support for the elderly")
    await officer.say("150 000")
    await officer.say(in_days(10))
    await officer.say("Bring the application to the ayil okmotu, room 5.")
    await officer.press("Skip")
    await officer.press("Publish now")
    assert "Tender T-000001 is published. 2 NGO members were alerted." in officer.screen

    kyrgyz = await wait_for_text(bot.fake, 5001, "Жаңы тендер T-000001")
    assert "Бюджет: 150\u00a0000 сом" in kyrgyz.params["text"]
    (russian,) = await twilio.wait_for(1, to="+996555123001")
    assert russian.body.startswith("Новый тендер T-000001, айыльный аймак Барпы: Home care")
    await asyncio.sleep(0.3)
    assert bot.fake.sent_to(5002) == [] and twilio.sent_to("+996555123002") == []

    async with app.sessions() as session, session.begin():  # three days before the deadline
        await session.execute(
            update(TenderReminder).where(TenderReminder.days_before == 3).values(due_at=utcnow())
        )
    await wait_for_text(bot.fake, 5001, "Эскертүү: T-000001")
    await twilio.wait_for(2, to="+996555123001")
    second = Runtime(make_app(database))  # another process ticking the same schedule
    await second.tick()
    await bot.runtime.tick()
    await asyncio.sleep(0.5)
    reminders = [c for c in bot.fake.sent_to(5001) if "Эскертүү" in c.params.get("text", "")]
    assert len(reminders) == 1
    assert [m.body.split(":")[0] for m in twilio.sent_to("+996555123001")] == [
        "Новый тендер T-000001, айыльный аймак Барпы",
        "Напоминание",
    ]
