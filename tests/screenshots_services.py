"""The services and surveys pages for the docs' screenshots (`python -m tests.screenshots`): a
service of Barpy with beneficiaries, a list uploaded with one bad line, the survey builder in
two languages, and a survey's results counted from six answers."""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path

from playwright.async_api import Page, expect

from bot.app import App
from handlers.surveys.services import create_service
from handlers.surveys.surveys import (
    SurveyDraft,
    complete,
    create_survey,
    open_invitation,
    questions_of,
    record_answer,
    record_invitation,
)
from models import Survey, SurveyStatus
from models.base import utcnow
from tests.factories import create_resident
from tests.handlers.surveys.test_services import QUESTIONS, create_awarded_tender

SHOTS = ("services", "service", "survey-new", "survey")
LIST = "Телефон;Язык\r\n0555 100 201;ky\r\n0555 100 202;ru\r\n0555 10;ru\r\n0700 123 457;uz\r\n"
ANSWERS = [("5", "yes", "0", "Very kind"), ("4", "yes", "1", ""), ("5", "no", "0", "")] * 2


async def _survey_with_answers(app: App, service_id: int) -> Survey:
    """A sent survey of the service that six beneficiaries answered."""
    async with app.sessions() as session, session.begin():
        survey = await create_survey(
            session,
            None,
            service_id,
            SurveyDraft({"en": "Home visits", "ru": "Посещения на дому"}, list(QUESTIONS)),
            utcnow() - timedelta(days=2),
            utcnow() + timedelta(days=1),
        )
        survey.status, survey.invited_at = SurveyStatus.sent, utcnow() - timedelta(days=2)
    for n, values in enumerate(ANSWERS):
        person = await create_resident(app, f"beneficiary-{n}")
        async with app.sessions() as session, session.begin():
            await record_invitation(session, survey.id, person.id)
            for question, value in zip(await questions_of(session, survey.id), values, strict=True):
                await record_answer(session, question, person.id, value)
            await complete(session, await open_invitation(session, person.id, survey.id))
    return survey


async def services_pages(app: App, page: Page, base: str, docs: Path) -> None:
    """Screenshots of the services list, a service after an upload, the builder, a survey."""
    tender = await create_awarded_tender(app, title="Home care for the elderly")
    async with app.sessions() as session, session.begin():
        service = await create_service(session, None, tender.id, "Home visits")
    survey = await _survey_with_answers(app, service.id)
    await page.goto(f"{base}/staff/services/")
    await page.screenshot(path=docs / "workspace-services.png")
    with tempfile.TemporaryDirectory() as folder:
        excel = Path(folder) / "beneficiaries.csv"
        excel.write_bytes(LIST.encode("cp1251"))
        await page.goto(f"{base}/staff/services/{service.id}")
        await page.set_input_files("#file", excel)
        await page.get_by_role("button", name="Upload and enrol").click()
        await expect(page.locator("#report")).to_contain_text("Added: 3.")
    await page.screenshot(path=docs / "workspace-service.png", full_page=True)
    await page.goto(f"{base}/staff/services/{service.id}/surveys/new")
    await page.fill("#title_ru", "Посещения на дому")
    await page.fill("#title_en", "Home visits")
    await page.fill("#q1_text_ru", "Как Вы оцениваете посещения?")
    await page.fill("#q1_text_en", "How good were the visits?")
    await page.screenshot(path=docs / "workspace-survey-new.png")
    await page.goto(f"{base}/staff/surveys/{survey.id}")
    await page.screenshot(path=docs / "workspace-survey.png", full_page=True)
