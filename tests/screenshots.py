"""Screenshots of the workspace's main pages for the docs, at an office screen's size, and of
the public pages at a phone's:

    .venv/bin/python -m tests.screenshots      # writes docs/workspace-*.png, docs/public-*.png

A throwaway SQLite database gets a few needs of Barpy, then Debian's chromium opens the pages
as a staff member (and the audit log as an admin) would.
"""

from __future__ import annotations

import asyncio
import secrets
import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.async_api import expect

from bot.reference import seed_if_empty
from bot.settings import Settings
from bot.wiring import load
from handlers.needs.needs import change_status
from models import Need, NeedStatus, NeedSupport, Person, Role
from models.base import utcnow
from models.db import create_engine, create_sessionmaker, upgrade_database
from tests.browser import chromium, new_page, served
from tests.factories import create_need, create_resident
from tests.processes import free_port
from tests.screenshots_services import SHOTS as SERVICE_SHOTS
from tests.screenshots_services import services_pages
from tests.tender_factories import create_ngo, create_tender_for
from tests.workspace import create_member, link_for

DOCS = Path(__file__).resolve().parent.parent / "docs"
NEEDS = [
    ("water", "The well on Lenin street has been dry for a week; 40 families carry water.", 12),
    (
        "roads_lighting",
        "Three street lamps near the school are out, children walk home in the dark.",
        7,
    ),
    ("roads_lighting", "The bridge over the canal is broken after the rains.", 5),
    ("water", "The drinking-water pipe leaks in front of house 17.", 3),
    ("roads_lighting", "Potholes on the road to the clinic.", 2),
    ("water", "No water in the kindergarten since Monday.", 1),
]

ANNOUNCEMENT = {
    "text_ky": "Жума күнү саат 10:00дө айыл өкмөтүндө бюджет боюнча коомдук угуу болот.",
    "text_ru": "В пятницу в 10:00 в айыл окмоту пройдут публичные слушания по бюджету.",
}

# residents an announcement reaches besides the reporters (on the simulator)
READERS = [
    ("+996555123456", "ru", "sms"),
    ("+996700123456", "ky", "sms"),
    ("+996770123456", "uz", "sms"),
    ("5551001", "ky", "telegram"),
]


async def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite+aiosqlite:///{folder}/screens.db"
        engine = create_engine(url)
        await upgrade_database(engine)
        sessions = create_sessionmaker(engine)
        async with sessions() as session, session.begin():
            await seed_if_empty(session)
        settings = Settings(
            database_url=url, secret_key=secrets.token_urlsafe(32), http_port=free_port()
        )
        app = load().assemble(settings, engine, sessions)
        clerk = await create_member(app, "clerk")
        admin = await create_member(app, "admin", role=Role.admin, code=None)
        first = await _needs(app, clerk)
        for address, language, channel in READERS:
            await create_resident(app, address, language=language, channel=channel)
        async with served(app) as base, chromium() as browser:
            page = await new_page(browser)
            await page.goto(base + await link_for(app, clerk))
            await page.get_by_role("button", name="Sign in").click()
            await page.wait_for_url("**/staff/needs/")
            await page.screenshot(path=DOCS / "workspace-inbox.png")
            await page.goto(f"{base}/staff/needs/{first.id}")
            await page.select_option("#status", "in_progress")
            await page.fill(
                "#comment", "A water truck comes on Monday; the well is repaired next week."
            )
            await expect(page.locator("#preview .preview")).to_contain_text("Monday")
            await page.screenshot(path=DOCS / "workspace-need.png")
            await page.goto(f"{base}/staff/needs/walk-in")
            await page.screenshot(path=DOCS / "workspace-walk-in.png")
            await page.goto(f"{base}/staff/broadcasts/new")
            for field, text in ANNOUNCEMENT.items():
                await page.fill(f"#{field}", text)
            await expect(page.locator('#preview [data-message="ru"]')).to_contain_text("пятницу")
            await page.screenshot(path=DOCS / "workspace-broadcast.png", full_page=True)
            await page.get_by_role("button", name="Preview before sending").click()
            await page.locator("#confirm button").click()
            await page.wait_for_selector(".notice")
            await page.goto(f"{base}/staff/broadcasts/")
            await page.screenshot(path=DOCS / "workspace-broadcasts.png")
            await services_pages(app, page, base, DOCS)
            await _tenders_and_reports(app, page, base)
            admin_page = await new_page(browser)
            await admin_page.goto(base + await link_for(app, admin))
            await admin_page.get_by_role("button", name="Sign in").click()
            await admin_page.wait_for_url("**/staff/needs/")
            await admin_page.goto(f"{base}/staff/audit/")
            await admin_page.screenshot(path=DOCS / "workspace-audit.png")
            await _public_pages(browser, base)
        await engine.dispose()
    shots = ("inbox", "need", "walk-in", "broadcast", "broadcasts", *SERVICE_SHOTS)
    for name in (*shots, *TENDER_SHOTS, "audit"):
        print(DOCS / f"workspace-{name}.png")
    for name in PUBLIC_SHOTS:
        print(DOCS / f"public-{name}.png")


TENDER_SHOTS = ("tenders", "tender-award", "reports")


async def _tenders_and_reports(app, page, base: str) -> None:
    """The tenders list, a tender asked to be awarded before its deadline, and the reports page."""
    ngo = await create_ngo(app, "Umut Public Foundation")
    tender = await create_tender_for(app, title="Home care for twelve elderly people")
    await create_tender_for(app, sector="youth", title="Summer sports camp", published=False)
    await page.goto(f"{base}/staff/tenders/")
    await page.screenshot(path=DOCS / "workspace-tenders.png")
    await page.goto(f"{base}/staff/tenders/{tender.id}")
    await page.select_option("#organization", str(ngo.id))
    await page.fill("#amount", "140 000")
    await page.get_by_role("button", name="Award the tender").click()
    await page.wait_for_selector("#question-text")
    await page.screenshot(path=DOCS / "workspace-tender-award.png")
    await page.goto(f"{base}/staff/reports/")
    await page.get_by_role("button", name="Show").click()
    await page.wait_for_load_state()
    await page.screenshot(path=DOCS / "workspace-reports.png", full_page=True)


PHONE = {"width": 390, "height": 844}
PUBLIC_SHOTS = ("start", "municipality")


async def _public_pages(browser, base: str) -> None:
    """The public start page and Barpy's page as a phone shows them (no script)."""
    context = await browser.new_context(viewport=PHONE, locale="en-US", java_script_enabled=False)
    page = await context.new_page()
    await page.goto(f"{base}/")
    await page.screenshot(path=DOCS / "public-start.png")
    await page.goto(f"{base}/m/JA-SUZAK-BARPY")
    await page.screenshot(path=DOCS / "public-municipality.png", full_page=True)
    await context.close()


async def _needs(app, clerk: Person) -> Need:
    """The demo needs, most supported first; one with a place, one further on."""
    made = []
    for i, (kind, text, supports) in enumerate(NEEDS):
        resident = await create_resident(app, f"resident-{i}")
        need = await create_need(
            app, resident, description=text, category_code=kind, age=timedelta(hours=5 * i)
        )
        made.append(need)
        async with app.sessions() as session, session.begin():
            session.add_all(NeedSupport(need_id=need.id, person_id=None) for _ in range(supports))
    async with app.sessions() as session, session.begin():
        first = await session.get(Need, made[0].id)
        first.latitude, first.longitude, first.place = 40.9324, 72.9851, "Lenin st. 12, Barpy"
        staff = await session.get(Person, clerk.id)
        await change_status(
            session, staff, await session.get(Need, made[0].id), NeedStatus.received, None
        )
        await change_status(
            session,
            staff,
            await session.get(Need, made[2].id),
            NeedStatus.in_progress,
            "Engineers came on Friday",
        )
        await change_status(
            session, staff, await session.get(Need, made[4].id), NeedStatus.resolved, "Repaired"
        )
        first.updated_at = utcnow()
    return made[0]


if __name__ == "__main__":
    asyncio.run(main())
