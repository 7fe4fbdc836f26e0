"""In a real Chromium: a clerk opens the reports page, asks for March, sees the chart and
downloads the spreadsheet and the needs CSV, which open with the bot's figures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import load_workbook

from models import Person
from tests.browser import chromium, new_page, served
from tests.handlers.reports.world import create_world
from tests.processes import free_port
from tests.workspace import link_for, workspace_app


async def test_a_clerk_shows_march_and_downloads_the_report(database, tmp_path: Path) -> None:
    app = await workspace_app(database, http_port=free_port(), report_min_group=1)
    world = await create_world(app)
    async with app.sessions() as session:
        clerk = await session.get(Person, world.home_staff_id)
    async with served(app) as base, chromium() as browser:
        page = await new_page(browser)
        await page.goto(base + await link_for(app, clerk))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/staff/needs/")
        await page.get_by_role("link", name="Reports", exact=True).click()
        await page.fill("#from", "01.03.2026")
        await page.fill("#to", "31.03.2026")
        await page.get_by_role("button", name="Show").click()
        await page.wait_for_selector("#report-title")
        # the chart is drawn when the browser asks for it: it has arrived once it has a width
        await page.wait_for_function(
            "() => { const chart = document.querySelector('img.chart');"
            " return chart && chart.complete && chart.naturalWidth > 0 }"
        )
        async with page.expect_download() as sheet:
            await page.get_by_role("link", name="Download the spreadsheet (XLSX)").click()
        xlsx = tmp_path / (await sheet.value).suggested_filename
        await (await sheet.value).save_as(xlsx)
        async with page.expect_download() as needs:
            await page.get_by_role("link", name="Download every need of the period (CSV)").click()
        saved = tmp_path / "needs.csv"
        await (await needs.value).save_as(saved)
        assert page.errors == []  # type: ignore[attr-defined]
    assert xlsx.name == "kenesh-needs-2026-03-01_2026-03-31.xlsx"
    lines = [list(r) for r in load_workbook(xlsx).worksheets[0].iter_rows(values_only=True)]
    assert lines[-1][0] == "Total" and lines[-1][-2:] == [6, 4]
    rows = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8-sig"))))
    assert len(rows) == 1 + 6  # the header, and March's six needs
