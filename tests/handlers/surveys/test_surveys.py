"""Survey invitations and the one reminder: from the tick, once across processes, only to those
who have not finished; the results carry no person."""

from __future__ import annotations

import asyncio
import dataclasses
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.runtime import Runtime
from handlers.surveys.results import results
from handlers.surveys.surveys import (
    QuestionDraft,
    SurveyDraft,
    SurveyError,
    check_draft,
    create_survey,
)
from models import OutboxMessage, QuestionKind, Survey, SurveyInvitation, SurveyStatus
from models.base import utcnow
from tests.conftest import make_app
from tests.handlers.surveys.test_services import (
    create_beneficiary,
    create_delivered_service,
    create_feedback_survey,
)


async def sent(app, kind: str) -> list[OutboxMessage]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
        )
        return list(rows.all())


async def test_invitations_and_one_reminder_go_once_with_two_processes(database, app, chat) -> None:
    service = await create_delivered_service(app)
    finisher = await create_beneficiary(app, service, "finisher")
    slow = await create_beneficiary(app, service, "slow")
    survey = await create_feedback_survey(
        app,
        service,
        send_at=utcnow() + timedelta(seconds=0.5),
        remind_at=utcnow() + timedelta(hours=1),
    )
    first, second = Runtime(make_app(database)), Runtime(make_app(database))
    await first.tick()
    assert await sent(app, "survey_invitation") == []  # not yet
    await asyncio.sleep(0.6)
    await asyncio.gather(first.tick(), second.tick())
    await second.tick()
    invitations = await sent(app, "survey_invitation")
    assert sorted(m.person_id for m in invitations) == sorted([finisher.id, slow.id])

    done = chat("finisher")
    for answer in ("3", "2", "1", "0"):  # "2" is No; "0" skips the free text
        await done.say(answer)
    assert "Thank you! Your answers are saved." in done.screen
    await chat("slow").say("5")  # then stops answering

    async with app.sessions() as session, session.begin():  # the reminder's time comes
        await session.execute(
            update(Survey).where(Survey.id == survey.id).values(remind_at=utcnow())
        )
    await asyncio.gather(first.tick(), second.tick())
    await first.tick()
    reminders = await sent(app, "survey_reminder")
    assert [m.person_id for m in reminders] == [slow.id]
    assert reminders[0].body.startswith(
        "Reminder: please answer the short survey about “Home care”."
    )
    assert "2/4. Did they come on time?" in reminders[0].body  # resumes at the first unanswered
    assert reminders[0].payload["choices"] == [["yes", "Yes", "1"], ["no", "No", "2"]]
    async with app.sessions() as session:
        stored = await session.get(Survey, survey.id)
        invited = await session.scalar(select(func.count()).select_from(SurveyInvitation))
    assert stored.status == SurveyStatus.sent and stored.reminded_at is not None
    assert invited == 2


async def test_a_survey_waits_for_its_time_across_a_restart(database, app) -> None:
    service = await create_delivered_service(app)
    await create_beneficiary(app, service, "patient")
    await create_feedback_survey(app, service, send_at=utcnow() + timedelta(seconds=1.2))
    before = Runtime(make_app(database, schedule_tick_seconds=0.2))
    await before.start()
    await before.tick()
    await before.stop()  # the process goes away before the time comes
    await asyncio.sleep(1.3)
    after = Runtime(make_app(database, schedule_tick_seconds=0.2))
    await after.start()
    try:
        for _ in range(50):
            if await sent(app, "survey_invitation"):
                break
            await asyncio.sleep(0.1)
    finally:
        await after.stop()
    assert len(await sent(app, "survey_invitation")) == 1


async def test_results_are_aggregated_and_name_no_one(app, chat) -> None:
    service = await create_delivered_service(app)
    people = [await create_beneficiary(app, service, f"b{i}") for i in range(3)]
    survey = await create_feedback_survey(app, service, send_at=utcnow())
    await Runtime(app).tick()
    answers = (("5", "yes", "1", "Good"), ("3", "no", "3", "skip"), ("4", "yes", "3"))
    for person, replies in zip(people, answers, strict=True):
        for reply in replies:
            await chat(f"b{people.index(person)}").say(reply)
    async with app.sessions() as session:
        figures = await results(session, survey.id, min_group=1)
    assert (figures.invited, figures.completed) == (3, 2)
    rating, yes_no, choice, text = figures.questions
    assert rating.counts == {"3": 1, "4": 1, "5": 1} and rating.average == 4.0
    assert yes_no.counts == {"yes": 2, "no": 1}
    assert choice.counts == {"0": 1, "2": 2} and choice.answered == 3
    assert (text.answered, text.comments, text.counts) == (2, ["Good"], {})
    flat = str(dataclasses.asdict(figures))
    assert "person" not in flat and all(f"'id': {p.id}" not in flat for p in people)


def test_a_survey_draft_is_checked() -> None:
    rating = QuestionDraft(QuestionKind.rating, {"en": "How was it?"})
    with pytest.raises(SurveyError):
        check_draft(SurveyDraft({"en": "T"}, []))
    with pytest.raises(SurveyError):
        check_draft(SurveyDraft({"fr": "T"}, [rating]))
    with pytest.raises(SurveyError):  # a choice needs the same 2–9 options in every language
        check_draft(
            SurveyDraft(
                {"en": "T"},
                [QuestionDraft(QuestionKind.choice, {"en": "Q"}, {"en": ["a", "b"], "ru": ["а"]})],
            )
        )
    cleaned = check_draft(SurveyDraft({"en": "  Two   words "}, [rating]))
    assert cleaned.titles == {"en": "Two words"}


async def test_a_reminder_must_follow_the_invitations(app) -> None:
    service = await create_delivered_service(app)
    draft = SurveyDraft({"en": "T"}, [QuestionDraft(QuestionKind.yes_no, {"en": "Q"})])
    async with app.sessions() as session, session.begin():
        with pytest.raises(SurveyError):
            await create_survey(
                session, None, service.id, draft, utcnow(), utcnow() - timedelta(hours=1)
            )


async def test_an_invitation_shows_once_with_its_options_when_the_chat_opens(app, chat) -> None:
    service = await create_delivered_service(app)
    await create_beneficiary(app, service, "reader")
    await create_feedback_survey(app, service, send_at=utcnow())
    await Runtime(app).tick()
    [invitation] = await sent(app, "survey_invitation")
    question = invitation.payload["text"].splitlines()[-1]  # "1/4. How …"
    screen = await chat("reader").open()
    assert screen.count(question) == 1, screen  # not once more by the reopened question
    assert "  1. " in screen.split(question, 1)[1]  # with its options
