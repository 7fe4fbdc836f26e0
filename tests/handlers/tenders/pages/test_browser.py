"""In a real Chromium: a clerk writes a tender, publishes it, and the subscribed NGO's member
sees the alert in the simulator."""

from __future__ import annotations

from datetime import timedelta

from models.base import utcnow
from tests.browser import chromium, new_page, served
from tests.factories import Chat
from tests.processes import free_port
from tests.tender_factories import create_member as create_ngo_member
from tests.tender_factories import create_ngo
from tests.workspace import create_member, link_for, workspace_app


async def test_publish_a_tender_and_the_subscribed_ngo_is_alerted(database) -> None:
    app = await workspace_app(database, http_port=free_port())
    await create_ngo_member(app, "aigul", await create_ngo(app, "Umut"), language="ru")
    clerk = await create_member(app, "clerk")
    deadline = (utcnow() + timedelta(days=20)).strftime("%d.%m.%Y 18:00")
    async with served(app) as base, chromium() as browser:
        page = await new_page(browser)
        await page.goto(base + await link_for(app, clerk))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/staff/needs/")
        await page.get_by_role("link", name="Tenders", exact=True).click()
        await page.get_by_role("link", name="New tender").click()
        await page.fill("#title", "Home care for the elderly")
        await page.fill("#description", "Daily visits to twelve elderly people living alone.")
        await page.select_option("#category", label="Support for the elderly")
        await page.fill("#budget", "150 000")
        await page.fill("#deadline", "01.01.2020 10:00")  # a slip: the past
        await page.fill("#how_to_apply", "Bring the application to room 5.")
        await page.get_by_role("button", name="Save as draft").click()
        assert "has passed" in await page.locator("#deadline-error").inner_text()
        assert await page.input_value("#title") == "Home care for the elderly"  # kept
        await page.fill("#deadline", deadline)
        await page.get_by_role("button", name="Save as draft").click()
        await page.wait_for_selector(".notice")
        assert "saved as a draft" in await page.locator(".notice").inner_text()
        await page.get_by_role("button", name="Publish now").click()
        await page.get_by_role("button", name="Yes").click()  # "Publish tender T-…?"
        await page.wait_for_selector("text=1 NGO member was alerted.")
        assert "open" in await page.locator("h1 .status").inner_text()
        reference = (await page.locator("h1").inner_text()).split(" ")[0]
        # the refused form answered 422, as it should; nothing else went wrong in the page
        errors = page.errors  # type: ignore[attr-defined]
        assert [e for e in errors if "status of 422" not in e] == []
    screen = await Chat(app, "aigul").open()
    assert f"Новый тендер {reference}" in screen and "Home care for the elderly" in screen
