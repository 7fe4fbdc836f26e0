"""A need's Telegram link (t.me/BOT?start=N-000123) through the real aiogram and the fake Bot
API: a new person is set up, then asked to support that need."""

from __future__ import annotations

from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from handlers.needs.links import support_links
from models import NeedSupport
from tests.bot.channels.telegram.conftest import Bot, TelegramUser, start_bot
from tests.conftest import Database, clear
from tests.factories import create_need, create_resident
from tests.fakes.telegram_api import FakeTelegram


@pytest.fixture
async def named_bot(database: Database, fake: FakeTelegram) -> AsyncIterator[Bot]:
    await clear(database)
    running = await start_bot(database, fake, webhook=True, telegram_bot_username="@KeneshBot")
    yield running
    await running.runtime.stop()


async def test_following_the_link_supports_the_need_once(named_bot: Bot) -> None:
    app = named_bot.app
    need = await create_need(app, await create_resident(app, "reporter"), description="No lamp")
    link = support_links(app.settings, need.id, "JA-SUZAK-BARPY").telegram
    assert link is not None
    parts = urlsplit(link)
    assert (parts.netloc, parts.path) == ("t.me", "/KeneshBot")
    start = parse_qs(parts.query)["start"][0]
    assert start == need.reference  # A-Z a-z 0-9 _ - only, at most 64: Telegram's rule

    user = TelegramUser(named_bot, 777)
    await user.say(f"/start {start}")  # what Telegram sends when the link is opened
    assert "Choose your language" in user.screen
    await user.press("English")
    await user.say("Barpy")
    await user.press("Yes")  # the place is right
    await user.press("Yes")  # consent
    assert "No lamp" in user.screen and "Do you support this need too?" in user.screen
    await user.press("Yes")
    assert "Thank you! 1 person now supports this need." in user.screen

    await user.say(f"/start {start}")  # opened again from the page
    assert "You already support this need." in user.screen
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(NeedSupport)) == 1
