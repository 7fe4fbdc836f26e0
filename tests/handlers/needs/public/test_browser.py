"""In a real Chromium on a phone's screen, without JavaScript: a need's page shows what was asked
and the support links; following the Telegram one (t.me, caught before it leaves the machine)
gives the start parameter that, sent by Telegram as /start, takes a new person through setup to
that need in the real aiogram bot against the fake Bot API."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from playwright.async_api import Route, expect

from tests.bot.channels.telegram.conftest import TelegramUser, start_bot
from tests.browser import chromium, served
from tests.conftest import clear
from tests.factories import create_need, create_resident
from tests.processes import free_port

PHONE = {"width": 390, "height": 844}


async def test_a_reader_follows_the_telegram_link_and_supports_the_need(database, fake) -> None:
    await clear(database)
    bot = await start_bot(
        database, fake, webhook=True, telegram_bot_username="KeneshBot", http_port=free_port()
    )
    try:
        app = bot.app
        need = await create_need(app, await create_resident(app, "r"), description="No bus stop")
        opened: list[str] = []

        async def telegram(route: Route) -> None:
            opened.append(route.request.url)
            await route.fulfill(status=200, body="Telegram", content_type="text/plain")

        async with served(app) as base, chromium() as browser:
            context = await browser.new_context(
                viewport=PHONE, locale="en-US", java_script_enabled=False
            )
            await context.route("https://t.me/**", telegram)
            page = await context.new_page()
            await page.goto(f"{base}/n/{need.reference}")
            await expect(page.locator("h1")).to_contain_text(need.reference)
            await expect(page.locator("main")).to_contain_text("No bus stop")
            await expect(page.locator("main")).to_contain_text("0 people support it")
            await page.get_by_role("link", name="Support in Telegram").click()
            await page.wait_for_url("https://t.me/**")
            await context.close()
        (link,) = opened
        start = parse_qs(urlsplit(link).query)["start"][0]

        user = TelegramUser(bot, 4242)
        await user.say(f"/start {start}")
        await user.press("English")
        await user.say("Barpy")
        await user.press("Yes")
        await user.press("Yes")
        assert "No bus stop" in user.screen
        await user.press("Yes")
        assert "Thank you! 1 person now supports this need." in user.screen
    finally:
        await bot.runtime.stop()
