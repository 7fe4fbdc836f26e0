"""One count of a survey's answers: the figures in the chat and the command line, and the staff
report's, are the same numbers."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from datetime import timedelta
from io import BytesIO

from openpyxl import load_workbook

from bot import cli
from bot.i18n import translator
from bot.runtime import Runtime
from bot.settings import get_settings
from handlers.reports.build import gather_report, render_files
from handlers.reports.kinds import ReportKind
from handlers.reports.report import ReportRequest
from handlers.reports.surveys_report import survey_report
from handlers.surveys.flows.survey_results import describe_results
from handlers.surveys.results import MIN_GROUP, TOO_FEW, results
from models import Person, QuestionKind, Role, Service
from models.base import utcnow
from tests.handlers.surveys.test_services import (
    create_beneficiary,
    create_delivered_service,
    create_feedback_survey,
)

ANSWERS = {  # rating, yes/no, choice, free text ("0" skips it)
    "first": ("4", "1", "2", "Very kind people"),
    "second": ("5", "2", "2", "0"),
    "third": ("4", "1", "1", "  the soup was cold  "),
}


async def test_the_chat_and_the_report_count_the_same_answers(app, chat) -> None:
    service = await create_delivered_service(app)
    for address in ANSWERS:
        await create_beneficiary(app, service, address)
    survey = await create_feedback_survey(app, service, send_at=utcnow() - timedelta(seconds=1))
    await Runtime(app).tick()
    for address, answers in ANSWERS.items():
        person = chat(address)
        for answer in answers:
            await person.say(answer)
    async with app.sessions() as session:
        figures = await results(session, survey.id, min_group=1)
        report = await survey_report(
            session, await session.get(Service, service.id), "en", min_group=1
        )
    [reported] = report.surveys
    assert (figures.invited, figures.completed) == (reported.invited, reported.completed) == (3, 3)
    for question, row in zip(figures.questions, reported.questions, strict=True):
        assert question.answered == row.answers == 3
        if question.kind == QuestionKind.text:
            assert sorted(question.comments) == sorted(row.texts)
            assert row.texts == ["the soup was cold", "Very kind people"]
        else:
            assert sum(question.counts.values()) == sum(n for _, n in row.options) == 3
    rating = figures.questions[0]
    assert rating.counts == {"4": 2, "5": 1} and rating.average == 4.33
    assert reported.questions[0].options == [("1", 0), ("2", 0), ("3", 0), ("4", 2), ("5", 1)]


async def test_too_few_answers_are_withheld_in_the_bot_the_files_and_the_figures(
    app, chat, monkeypatch, capsys
) -> None:
    """REPORT_MIN_GROUP (5 by default): three people answered, so what they answered is not
    shown anywhere, only how many answered."""
    service = await create_delivered_service(app)
    for address in ANSWERS:
        await create_beneficiary(app, service, address)
    survey = await create_feedback_survey(app, service, send_at=utcnow() - timedelta(seconds=1))
    await Runtime(app).tick()
    for address, answers in ANSWERS.items():
        for answer in answers:
            await chat(address).say(answer)
    async with app.sessions() as session, session.begin():
        figures = await results(session, survey.id)  # the default, as `kenesh surveys results`
        admin = Person(language="ru", role=Role.admin)
        session.add(admin)
        await session.flush()
        request = ReportRequest(ReportKind.surveys, service_id=service.id)
        report = await gather_report(session, admin, request, "ru", MIN_GROUP)
    for question in figures.questions:
        assert (question.answered, question.withheld) == (3, True)
        assert (question.counts, question.average, question.comments) == ({}, None, [])
    assert json.dumps(dataclasses.asdict(figures)).count('"withheld": true') == 4
    for row in report.figures.surveys[0].questions:
        assert (row.answers, row.withheld, row.options, row.texts) == (3, True, [], [])

    ru = translator("ru")
    shown = describe_results(ru, figures)
    assert shown.count(ru.t(TOO_FEW)) == 4 and "Very kind people" not in shown
    workbook = load_workbook(BytesIO(render_files(report, "Asia/Bishkek").xlsx))
    cells = [str(c) for sheet in workbook for row in sheet.iter_rows(values_only=True) for c in row]
    assert cells.count(ru.t(TOO_FEW)) == 4
    assert not any("Very kind" in c or "soup" in c for c in cells)
    # and `kenesh surveys results` says so for each question
    monkeypatch.setenv("DATABASE_URL", app.settings.database_url)
    monkeypatch.setenv("REPORT_MIN_GROUP", "5")
    get_settings.cache_clear()
    try:
        status = await asyncio.to_thread(cli.main, ["surveys", "results", str(survey.id)])
    finally:
        get_settings.cache_clear()
    out, err = capsys.readouterr()
    assert status == 0 and json.loads(out)["questions"][0]["counts"] == {}
    assert err.count(f"3 answers, {TOO_FEW} (REPORT_MIN_GROUP=5)") == 4
