"""In a real Chromium: a staff member signs in from the link the bot sent in the simulator."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.browser import chromium, new_page, served
from tests.factories import create_staff
from tests.processes import free_port
from tests.workspace import workspace_app


async def test_sign_in_from_a_link_got_in_the_simulator(database) -> None:
    app = await workspace_app(database, http_port=free_port())
    clerk = await create_staff(app, "clerk")
    await clerk.say("menu")
    screen = await clerk.choose("Web workspace")
    link = re.search(r"http://127\.0\.0\.1:\d+/staff/sign-in/\S+", screen).group(0)
    async with served(app), chromium() as browser:
        page = await new_page(browser)
        await page.goto(link)
        assert await page.locator("h1").inner_text() == "Open the Kenesh workspace"
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/staff/needs/")
        assert await page.locator("h1").first.inner_text() == "Needs · 0 reports"
        # the language switch sends itself (a script file, the CSP allows no inline script)
        await page.select_option("#language-switch", "ru")
        await expect(page.locator("html")).to_have_attribute("lang", "ru")
        assert "Потребности" in await page.locator("h1").first.inner_text()
        await page.get_by_role("button", name="Выйти").click()
        await page.wait_for_url("**/staff/signed-out")
        assert page.errors == []  # type: ignore[attr-defined]  # no script or file failed
        await page.goto(link)  # the link worked once
        assert "уже использована" in await page.locator("h1").inner_text()


async def test_what_was_typed_survives_a_change_of_language(database) -> None:
    from tests.workspace import create_member, link_for

    app = await workspace_app(database, http_port=free_port())
    clerk = await create_member(app, "clerk")
    async with served(app) as base, chromium() as browser:
        page = await new_page(browser)
        await page.goto(base + await link_for(app, clerk))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/staff/needs/")
        await page.goto(f"{base}/staff/tenders/new")
        await page.fill("#title", "Home care for the elderly")
        await page.fill("#description", "Daily visits to twelve elderly people living alone.")
        await page.select_option("#language-switch", "ky")
        await expect(page.locator("html")).to_have_attribute("lang", "ky")
        assert await page.input_value("#title") == "Home care for the elderly"
        assert await page.input_value("#description") == (
            "Daily visits to twelve elderly people living alone."
        )
        assert await page.input_value("#budget") == ""  # nothing typed there, nothing put
        await page.goto(f"{base}/staff/needs/walk-in")  # another page starts empty
        assert await page.input_value("#description") == ""
        assert page.errors == []  # type: ignore[attr-defined]
