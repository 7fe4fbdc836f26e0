"""In a real Chromium: a clerk uploads Excel's CSV of beneficiaries with a bad line and reads
the report, then builds a survey in two languages, corrects a past time of the invitations and
schedules it."""

from __future__ import annotations

from pathlib import Path

from playwright.async_api import expect
from sqlalchemy import select

from models import Survey, SurveyStatus
from tests.browser import chromium, new_page, served
from tests.handlers.surveys.test_services import create_delivered_service
from tests.processes import free_port
from tests.workspace import create_member, link_for, workspace_app


async def test_a_clerk_uploads_beneficiaries_and_schedules_a_survey(
    database, tmp_path: Path
) -> None:
    app = await workspace_app(database, http_port=free_port())
    service = await create_delivered_service(app, title="Home visits")
    clerk = await create_member(app, "clerk")
    excel = tmp_path / "beneficiaries.csv"
    excel.write_bytes("Телефон;Язык\r\n0555 100 200;ky\r\n0555 12;ru\r\n".encode("cp1251"))
    async with served(app) as base, chromium() as browser:
        page = await new_page(browser)
        await page.goto(base + await link_for(app, clerk))
        await page.get_by_role("button", name="Sign in").click()
        await page.wait_for_url("**/staff/needs/")
        await page.get_by_role("link", name="Services and surveys", exact=True).click()
        await page.get_by_role("link", name="#1 · Home visits").click()
        await page.set_input_files("#file", excel)
        await page.get_by_role("button", name="Upload and enrol").click()
        report = page.locator("#report")
        await expect(report).to_contain_text("Added: 1.")
        await expect(report).to_contain_text("1 line was refused")
        await expect(report.locator("tr.line-bad_phone")).to_contain_text("0555 12")
        await expect(page.locator("#beneficiaries")).to_have_text("1")

        await page.get_by_role("link", name="New survey").click()
        await page.fill("#title_ru", "Посещения на дому")
        await page.fill("#title_en", "Home visits")
        await page.select_option("#q1_kind", "yes_no")
        await page.fill("#q1_text_ru", "Приходили вовремя?")
        await page.fill("#q1_text_en", "Did they come on time?")
        await page.get_by_role("radio", name="At a set time").check()
        await page.fill("#send_at", "01.01.2020 10:00")
        await page.get_by_role("button", name="Save and schedule").click()
        await expect(page.locator("#send_at-error")).to_have_text(
            "This time has passed. Write a time to come, or choose “Now”."
        )
        await expect(page.locator("#q1_text_ru")).to_have_value("Приходили вовремя?")
        await page.fill("#send_at", "15.01.2099 10:00")
        await page.get_by_role("button", name="Save and schedule").click()
        await expect(page.locator(".notice")).to_contain_text("Survey #1 is saved.")
        await expect(page.locator("h1")).to_contain_text("scheduled")
        errors = page.errors  # type: ignore[attr-defined]
        assert [e for e in errors if "status of 422" not in e] == []  # the refused form's
    async with app.sessions() as session:
        survey = await session.scalar(select(Survey).where(Survey.service_id == service.id))
    assert survey.status == SurveyStatus.scheduled
    assert survey.titles == {"ru": "Посещения на дому", "en": "Home visits"}
