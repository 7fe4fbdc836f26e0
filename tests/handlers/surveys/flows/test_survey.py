"""Answering a survey in the chat: the invitation is the first question, answers are stored as
they come, a person may stop and resume, and a finished survey is not answered twice."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from bot.runtime import Runtime
from handlers.account.flows.about_you import INVITE
from handlers.surveys.results import results
from models import OutboxMessage, Survey, SurveyAnswer, SurveyInvitation
from models.base import utcnow
from tests.factories import create_staff, onboard
from tests.handlers.surveys.test_services import (
    create_beneficiary,
    create_delivered_service,
    create_feedback_survey,
)


async def test_invited_at_the_menu_answer_stop_resume_and_finish(app, chat) -> None:
    service = await create_delivered_service(app)
    person = await create_beneficiary(app, service, "beneficiary")
    await create_beneficiary(app, service, "russian", language="ru")
    survey = await create_feedback_survey(app, service, send_at=utcnow() - timedelta(seconds=1))
    runtime = Runtime(app)
    await runtime.tick()
    await runtime.tick()  # nothing more: each is invited once

    me = chat("beneficiary")
    opened = "\n\n".join(await me.simulator.deliver_pending())  # what was queued for them
    assert opened.count("A survey about “Home care”: 4 short questions") == 1
    assert "1/4. How good was the care?" in opened  # (the simulator prints a queued text only)
    await me.say("4")
    assert "2/4. Did they come on time?" in me.screen
    await me.say("menu")  # stop half-way
    assert "Main menu" in me.screen
    await me.choose("Answer the survey")
    assert "2/4. Did they come on time?" in me.screen  # resumed at the first unanswered
    await me.say("yes")
    assert "3/4. What helped most?" in me.screen and "  2. Cleaning" in me.screen
    await me.say("cancel")  # stopping by the other word keeps the answers too
    assert "Your answers so far are kept" in me.screen and "Nothing was saved" not in me.screen
    await me.choose("Answer the survey")
    assert "3/4. What helped most?" in me.screen
    await me.say("Уборка")  # an option in another language
    assert "4/4. Anything to add?" in me.screen
    await me.say("They were always kind.")
    assert "Thank you! Your answers are saved." in me.screen
    # a first survey done: the optional questions about oneself, for the results by group
    assert INVITE in me.screen
    await me.choose("Not now")
    assert "Main menu" in me.screen
    assert "Answer the survey" not in me.screen  # back at the menu, nothing waiting

    await me.say("Answer the survey")  # not an option any more
    assert "Please choose one of the options." in me.screen
    async with app.sessions() as session:
        answers = (
            await session.scalars(
                select(SurveyAnswer.value)
                .where(SurveyAnswer.person_id == person.id)
                .order_by(SurveyAnswer.id)
            )
        ).all()
        invitation = await session.scalar(
            select(SurveyInvitation).where(SurveyInvitation.person_id == person.id)
        )
        figures = await results(session, survey.id, min_group=1)
        invitations = await session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.kind == "survey_invitation").limit(5)
        )
    assert answers == ["4", "yes", "1", "They were always kind."]
    assert invitation.completed_at is not None and invitations is not None
    assert (figures.invited, figures.completed) == (2, 1)
    assert figures.questions[0].counts == {"4": 1} and figures.questions[0].average == 4.0
    assert figures.questions[3].comments == ["They were always kind."]

    russian = chat("russian")
    invitation = "\n\n".join(await russian.simulator.deliver_pending())
    assert "1/4. Как уход?" in invitation  # their language where it was written
    assert "Survey about" not in russian.screen


async def test_someone_busy_is_told_where_to_find_the_survey(app, chat) -> None:
    service = await create_delivered_service(app)
    await create_beneficiary(app, service, "busy")
    busy = chat("busy")
    await busy.say("hello")
    await busy.choose("Report a need")
    assert "What is the need about?" in busy.screen or busy.screen
    await create_feedback_survey(app, service, send_at=utcnow() - timedelta(seconds=1))
    await Runtime(app).tick()
    await busy.say("cancel")
    assert "You are invited to a short survey about “Home care”." in busy.screen
    assert "When you are ready, choose “Answer the survey” in the menu." in busy.screen
    await busy.choose("Answer the survey")
    assert "1/4. How good was the care?" in busy.screen


async def test_a_closed_survey_takes_no_more_answers(app, chat) -> None:
    service = await create_delivered_service(app)
    await create_beneficiary(app, service, "late")
    survey = await create_feedback_survey(app, service, send_at=utcnow() - timedelta(seconds=1))
    await Runtime(app).tick()
    late = chat("late")
    await late.open()
    async with app.sessions() as session, session.begin():
        await session.execute(update(Survey).where(Survey.id == survey.id).values(status="closed"))
    await late.say("5")
    assert "This survey is closed. Thank you!" in late.screen


async def test_residents_cannot_reach_the_staff_flow(app, chat) -> None:
    resident = chat("resident")
    await onboard(resident)
    assert "Services and surveys (staff)" not in resident.screen
    await resident.say("Services and surveys (staff)")
    assert "Please choose one of the options." in resident.screen
    staff = await create_staff(app, "officer")
    await staff.choose("Services and surveys (staff)")
    assert "Register a new service" in staff.screen
