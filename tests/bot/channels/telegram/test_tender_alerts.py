"""Issue 6's acceptance: staff publish a tender in the bot, and exactly the subscribed NGO members
get the alert — on Telegram and on SMS, each in their own language — through the real aiogram and
twilio clients against the fake servers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.i18n import translator
from tests.bot.channels.telegram.conftest import Bot, TelegramUser, start_bot
from tests.conftest import Database, clear
from tests.factories import ELSEWHERE, HOME, create_invite_code, municipality
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio
from tests.handlers.test_tenders import in_days
from tests.tender_factories import create_member, create_ngo

STAFF_CHAT, RU_CHAT, WATER_CHAT = 9101, 9102, 9103
KY_PHONE, ELSEWHERE_PHONE = "+996555123401", "+996555123402"


@pytest.fixture
async def both(database: Database, fake: FakeTelegram) -> AsyncIterator[tuple[Bot, FakeTwilio]]:
    """One process with Telegram (webhook) and SMS, as production runs it."""
    await clear(database)
    twilio = FakeTwilio()
    await twilio.start()
    running = await start_bot(
        database,
        fake,
        webhook=True,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_from="+996700000001",
        twilio_api_url=twilio.base_url,
        sms_rate=1000,
    )
    yield running, twilio
    await running.runtime.stop()
    await twilio.stop()


async def test_exactly_the_subscribers_get_the_alert_on_telegram_and_sms(both) -> None:
    bot, twilio = both
    app = bot.app
    ngo = await create_ngo(app, "Umut")
    await create_member(app, "ru", ngo, language="ru", channel="telegram", value=str(RU_CHAT))
    await create_member(app, "ky", ngo, language="ky", channel="sms", value=KY_PHONE)
    water = (("JA-SUZAK-BARPY", "water"),)
    await create_member(
        app, "water", ngo, language="ru", channel="telegram", value=str(WATER_CHAT), follows=water
    )
    await create_member(
        app,
        "elsewhere",
        ngo,
        language="ky",
        channel="sms",
        value=ELSEWHERE_PHONE,
        follows=((ELSEWHERE, "elderly"),),
    )

    staff = TelegramUser(bot, STAFF_CHAT)
    await staff.onboard()
    await staff.say(await create_invite_code(app, code=HOME))
    await staff.press("Tenders (staff)")
    await staff.press("Announce a new tender")
    await staff.say("Home care for the elderly")
    await staff.say("Daily visits to twelve elderly people who live alone in Barpy.")
    await staff.press("Support for the elderly")
    await staff.say("150 000")
    await staff.say(in_days(10))
    await staff.say("Bring the application to the ayil okmotu, room 5.")
    await staff.say("https://barpy.kg/tenders/care.pdf")
    await staff.press("Publish now")
    assert "2 NGO members were alerted" in staff.screen
    await bot.settle(None)

    home = await municipality(app, HOME)
    names = {"ref": "T-000001", "title": "Home care for the elderly"}
    heading = "New tender {ref} of {municipality}: {title}"
    [telegram_alert] = bot.fake.sent_to(RU_CHAT)
    ru = translator("ru").t(heading, municipality=home.name_ru, **names)
    assert telegram_alert.params["text"].startswith(ru + "\n")
    assert "150 000" in telegram_alert.params["text"]
    [sms_alert] = await twilio.wait_for(1, to=KY_PHONE)
    ky = translator("ky").t(heading, municipality=home.name_ky, **names)
    assert (sms_alert.body or "").startswith(ky)
    assert bot.fake.sent_to(WATER_CHAT) == []  # another sector
    assert twilio.sent_to(ELSEWHERE_PHONE) == []  # another municipality
