"""In a real Chromium on a phone's screen: a resident opens the public site, walks from the
regions to their municipality (and finds it again by typing its name), reads its priorities and
opens a need from them; the page needs no script and breaks nothing."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser import chromium, served
from tests.conftest import clear, make_app
from tests.factories import HOME
from tests.processes import free_port
from tests.public_seed import seed_municipality

PHONE = {"width": 390, "height": 844}


async def test_a_resident_finds_their_municipality_and_opens_a_need(database) -> None:
    await clear(database)
    app = make_app(database, http_port=free_port())
    seeded = await seed_municipality(app)
    async with served(app) as base, chromium() as browser:
        context = await browser.new_context(
            viewport=PHONE, locale="en-US", java_script_enabled=False
        )
        page = await context.new_page()
        await page.goto(base + "/")
        await page.get_by_role("link", name="Jalal-Abad Region").click()
        await page.get_by_role("link", name="Suzak District").click()
        await page.get_by_role("link", name="Barpy ayil aimak").click()
        await page.wait_for_url(f"**/m/{HOME}")
        priorities = page.locator("section[aria-labelledby=priorities] li")
        await expect(priorities.first).to_contain_text("The well in the upper quarter is dry")
        await expect(priorities.first).to_contain_text("6 people support it")
        # the same municipality, found by its name in another script
        await page.goto(base + "/")
        await page.fill("#q", "Барпы")
        await page.get_by_role("button", name="Find").click()
        await page.get_by_role("link", name="Barpy ayil aimak").first.click()
        await page.wait_for_url(f"**/m/{HOME}")
        reference = seeded.top_need.reference
        await page.get_by_role("link", name=reference).click()
        await page.wait_for_url(f"**/n/{reference}")
        await expect(page.locator("main")).to_contain_text("The well in the upper quarter is dry")
        # the language switch is a plain link, kept for the next pages
        await page.get_by_role("link", name="Русский").click()
        await expect(page.locator("html")).to_have_attribute("lang", "ru")
        await page.goto(f"{base}/m/{HOME}")
        await expect(page.locator("html")).to_have_attribute("lang", "ru")
        await context.close()
