"""In a real Chromium: a clerk triages a need (the resident sees the notice in the simulator)
and changes three needs at once."""

from __future__ import annotations

from playwright.async_api import expect

from tests.browser import chromium, new_page, served
from tests.factories import Chat, create_need, create_resident
from tests.processes import free_port
from tests.workspace import create_member, link_for, workspace_app


async def open_workspace(page, base: str, app, person) -> None:
    await page.goto(base + await link_for(app, person))
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff/needs/")


async def test_triage_a_need_and_the_resident_is_told(database) -> None:
    app = await workspace_app(database, http_port=free_port())
    resident = await create_resident(app, "aida", language="ru")
    need = await create_need(app, resident, description="Нет воды на улице Ленина")
    clerk = await create_member(app, "clerk")
    async with served(app) as base, chromium() as browser:
        page = await new_page(browser)
        await open_workspace(page, base, app, clerk)
        await page.get_by_role("link", name=need.reference).click()
        await page.wait_for_url(f"**/staff/needs/{need.id}")
        assert "Нет воды на улице Ленина" in await page.locator(".quote").first.inner_text()
        await page.select_option("#status", "in_progress")
        await page.fill("#comment", "Бригада приедет в понедельник")
        preview = page.locator("#preview .preview")
        await expect(preview).to_contain_text("понедельник")  # htmx asked as it was typed
        shown = await preview.inner_text()
        assert need.reference in shown  # what the resident will get, in Russian
        await page.get_by_role("button", name="Change and tell the resident").click()
        await page.wait_for_url(f"**/staff/needs/{need.id}")
        assert "The resident has been told" in await page.locator(".notice").inner_text()
        assert "in progress" in await page.locator("h1 .status").inner_text()
        assert page.errors == []  # type: ignore[attr-defined]
    screen = await Chat(app, "aida").open()
    assert shown.strip() in screen  # the preview was exactly what arrived


async def test_bulk_change_three_needs(database) -> None:
    app = await workspace_app(database, http_port=free_port())
    residents = [await create_resident(app, f"res{i}") for i in range(4)]
    needs = [
        await create_need(app, r, description=f"Lamp {i} is out") for i, r in enumerate(residents)
    ]
    clerk = await create_member(app, "clerk")
    async with served(app) as base, chromium() as browser:
        page = await new_page(browser)
        await open_workspace(page, base, app, clerk)
        for need in needs[:3]:
            await page.get_by_label(need.reference, exact=True).check()
        assert await page.locator("[data-selected-count]").inner_text() == "3"
        await page.select_option("#bulk-status", "resolved")
        await page.fill("#bulk-comment", "New lamps are up")
        await page.get_by_role("button", name="Change the selected").click()
        await page.wait_for_selector(".notice")
        assert "3 reports are now “resolved”" in await page.locator(".notice").inner_text()
        # the open filter no longer lists them; the fourth is still there
        body = await page.locator("tbody").inner_text()
        assert needs[3].reference in body and needs[0].reference not in body
        assert page.errors == []  # type: ignore[attr-defined]
    for i in range(3):
        assert "New lamps are up" in await Chat(app, f"res{i}").open()
    assert "New lamps are up" not in await Chat(app, "res3").open()
