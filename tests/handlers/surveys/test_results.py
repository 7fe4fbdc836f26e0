"""One count of a survey's answers: the figures in the chat and the command line, and the staff
report's, are the same numbers."""

from __future__ import annotations

from datetime import timedelta

from bot.runtime import Runtime
from handlers.reports.surveys_report import survey_report
from handlers.surveys.results import results
from models import QuestionKind, Service
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
        figures = await results(session, survey.id)
        report = await survey_report(session, await session.get(Service, service.id), "en")
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
