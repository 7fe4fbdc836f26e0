"""In a real Chromium: a clerk writes an announcement, watches its preview as they type, checks
it, sends it, and the resident reads in the simulator exactly the message the preview showed."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser import chromium, new_page, served
from tests.factories import Chat, create_resident
from tests.processes import free_port
from tests.workspace import create_member, link_for, workspace_app

TEXT = "Публичные слушания по бюджету в пятницу в 10:00 в айыл окмоту."


async def test_compose_and_send_an_announcement_after_checking_its_preview(database) -> None:
    app = await workspace_app(database, http_port=free_port())
    await create_resident(app, "aida", language="ru")
    clerk = await create_member(app, "clerk")
    async with served(app) as base, chromium() as browser:
        page = await new_page(browser)
        await page.goto(base + await link_for(app, clerk))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/staff/needs/")
        await page.get_by_role("link", name="Announcements", exact=True).click()
        await page.get_by_role("link", name="New announcement").click()
        await page.fill("#text_ru", TEXT)
        # the preview follows the typing: the two residents of Barpy (Aida and the clerk)
        await expect(page.locator('#preview [data-figure="total"]')).to_have_text("2")
        message = page.locator('#preview [data-message="ru"]')
        await expect(message).to_contain_text(TEXT)
        await page.get_by_label("At a set time").check()
        await page.fill("#at", "01.01.2020 10:00")  # a slip: the past
        await page.get_by_role("button", name="Preview before sending").click()
        assert "has passed" in await page.locator("#at-error").inner_text()
        assert await page.input_value("#text_ru") == TEXT  # kept
        await page.get_by_label("Now").check()
        await page.get_by_role("button", name="Preview before sending").click()
        send = page.get_by_role("button", name="Send it to 2 people now")
        await expect(send).to_be_visible()
        await page.fill("#text_en", "Public hearing on the budget on Friday at 10:00.")
        await send.click()  # the text changed since its preview: shown again, not sent
        await expect(page.locator("#confirm .errors")).to_contain_text("changed after its preview")
        await expect(page.locator('#preview [data-message="en"]')).to_contain_text("Friday")
        shown = await message.inner_text()
        await page.get_by_role("button", name="Send it to 2 people now").click()
        await page.wait_for_url(re.compile(r".*/staff/broadcasts/\d+$"))
        notice = await page.locator(".notice").inner_text()
        assert "is on its way to 2 people." in notice
        assert "sending" in await page.locator("h1 .status").inner_text()
        await page.get_by_role("link", name="Announcements", exact=True).click()
        listed = await page.locator("tbody").inner_text()  # in the clerk's language
        assert "Public hearing on the budget on Friday" in listed and "waiting: 2" in listed
        # the refused form answered 422, as it should; nothing else went wrong in the page
        errors = page.errors  # type: ignore[attr-defined]
        assert [e for e in errors if "status of 422" not in e] == []
    screen = await Chat(app, "aida").open()
    assert shown.strip() in screen  # the preview was exactly what arrived
    assert shown.startswith("Айыльный аймак Барпы: ")
