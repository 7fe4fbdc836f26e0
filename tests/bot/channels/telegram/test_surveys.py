"""A survey answered on Telegram: a resident joins a service with its code from the main menu,
the invitation arrives with buttons, they stop half-way, and the reminder resumes it."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from handlers.surveys.results import results
from models import Survey, SurveyInvitation
from models.base import utcnow
from tests.bot.channels.telegram.conftest import wait_for_text
from tests.handlers.surveys.test_services import create_delivered_service, create_feedback_survey


async def test_a_survey_on_telegram_with_buttons_stop_and_reminder(bot, telegram_user) -> None:
    service = await create_delivered_service(bot.app)
    user = telegram_user(601)
    await user.onboard()
    await user.press("I received a service")
    assert "Write the code of the service you received" in user.screen
    await user.say("WRONG1")
    assert "No service has this code." in user.screen
    await user.say(service.join_code.lower())
    assert "Thank you! You are registered for “Home care”." in user.screen

    survey = await create_feedback_survey(
        bot.app, service, send_at=utcnow(), remind_at=utcnow() + timedelta(hours=1)
    )
    await bot.runtime.tick()
    await bot.settle(None)
    invitation = await wait_for_text(bot.fake, 601, "1/4. How good was the care?")
    assert "A survey about “Home care”: 4 short questions" in invitation.params["text"]
    assert [b["text"] for row in user.fake.last_keyboard(601) for b in row] == [
        "Very poor",
        "Poor",
        "Fair",
        "Good",
        "Excellent",
    ]
    await user.press("Good")
    assert "2/4. Did they come on time?" in user.screen
    await user.press("No")
    assert "3/4. What helped most?" in user.screen
    await user.say("/menu")  # stops half-way
    assert "Main menu" in user.screen

    async with bot.app.sessions() as session, session.begin():
        await session.execute(
            update(Survey).where(Survey.id == survey.id).values(remind_at=utcnow())
        )
    await bot.runtime.tick()
    await bot.settle(None)
    reminder = await wait_for_text(bot.fake, 601, "Reminder: please answer the short survey")
    assert "3/4. What helped most?" in reminder.params["text"]
    await user.press("Company")
    assert "4/4. Anything to add?" in user.screen
    await user.say("More visits in winter, please.")
    assert "Thank you! Your answers are saved." in user.screen

    async with bot.app.sessions() as session:
        invitation_row = await session.scalar(select(SurveyInvitation))
        figures = await results(session, survey.id, min_group=1)
    assert invitation_row.completed_at is not None and invitation_row.reminded_at is not None
    assert [q.counts for q in figures.questions[:3]] == [{"4": 1}, {"no": 1}, {"2": 1}]
    assert figures.questions[3].comments == ["More visits in winter, please."]


async def test_joining_after_the_survey_went_out_starts_it_at_once(bot, telegram_user) -> None:
    service = await create_delivered_service(bot.app)
    await create_feedback_survey(bot.app, service, send_at=utcnow() - timedelta(minutes=5))
    await bot.runtime.tick()  # out, to nobody yet
    user = telegram_user(602)
    await user.onboard()
    await user.press("I received a service")
    await user.say(service.join_code)
    assert "You are registered for “Home care”." in user.screen
    assert "1/4. How good was the care?" in user.screen
    await user.press("Excellent")
    assert "2/4." in user.screen
    await bot.runtime.tick()  # a latecomer already invited: nothing more is sent
    await bot.settle(None)
    assert not [c for c in bot.fake.sent_to(602) if "invited" in (c.params.get("text") or "")]
