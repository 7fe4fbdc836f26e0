"""A survey answered by SMS: beneficiaries from a list of phone numbers (one never wrote before)
get the first question as the invitation and answer with numbers and words; one stops and gets
the one reminder, which resumes where they stopped; every question within 3 segments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.channels.sms.segments import count_segments, to_gsm
from bot.i18n import translator
from bot.settings import LANGUAGES
from handlers.surveys.enrol_lists import enrol_phones
from handlers.surveys.results import results
from models import Service, Survey
from models.base import utcnow
from tests.handlers.surveys.test_services import create_delivered_service, create_feedback_survey

NEWCOMER, REGULAR = "+996555700001", "+996555700002"


async def enrol(app, service: Service, lines: list[str]) -> None:
    async with app.sessions() as session, session.begin():
        report = await enrol_phones(session, await session.get(Service, service.id), lines)
    assert report.bad == []


async def test_a_survey_by_sms_with_a_reminder_to_the_one_who_stopped(
    sms_bot, sms_user, twilio
) -> None:
    app = sms_bot.app
    regular = sms_user(REGULAR)
    await regular.say("Salam")
    await regular.say("4")  # English
    await regular.say("Барпы")
    await regular.say("1")  # the place is right
    await regular.say("1")  # consent: yes
    service = await create_delivered_service(app)
    await enrol(app, service, [f"{NEWCOMER},en", REGULAR])
    survey = await create_feedback_survey(
        app, service, send_at=utcnow(), remind_at=utcnow() + timedelta(hours=1)
    )
    await sms_bot.runtime.tick()
    [invitation] = await twilio.wait_for(1, to=NEWCOMER)
    await twilio.wait_for(1, to=REGULAR)
    assert invitation.body.startswith('Survey "Home care": 4 questions. Answers are anonymous.')
    assert "1/4. How good was the care?\n1 Very poor\n2 Poor\n3 Fair\n4 Good\n5 Excellent" in (
        invitation.body
    )
    assert count_segments(invitation.body).count <= 3

    newcomer = sms_user(NEWCOMER)  # never wrote before: the invitation's question is theirs
    await newcomer.say("4")
    assert "2/4. Did they come on time?\n1 Yes\n2 No" in newcomer.screen
    await newcomer.say("yes")
    assert "3/4. What helped most?\n1 Meals\n2 Cleaning\n3 Company" in newcomer.screen
    await newcomer.say("menu")  # stops half-way
    assert "1 Answer the survey" in newcomer.screen

    for answer in ("5", "2", "3", "Very kind people"):
        await regular.say(answer)
    assert "Thank you! Your answers are saved." in regular.screen

    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Survey).where(Survey.id == survey.id).values(remind_at=utcnow())
        )
    await sms_bot.runtime.tick()
    await sms_bot.runtime.tick()
    reminder = (await twilio.wait_for(2, to=NEWCOMER))[-1]
    assert reminder.body.startswith(
        'Reminder: please answer the short survey about "Home care".\n\n3/4. What helped most?'
    )
    assert len(twilio.sent_to(REGULAR)) == 1  # the one who finished is not reminded
    await newcomer.say("2")
    assert "4/4. Anything to add?\n0 Skip" in newcomer.screen
    await newcomer.say("0")
    assert "Thank you! Your answers are saved." in newcomer.screen
    await newcomer.say("4")  # an answer again: the survey is done, this is the setup now
    assert "1/4" not in newcomer.screen

    async with app.sessions() as session:
        figures = await results(session, survey.id, min_group=1)
    assert (figures.invited, figures.completed) == (2, 2)
    assert figures.questions[0].counts == {"4": 1, "5": 1}
    assert figures.questions[2].counts == {"1": 1, "2": 1}  # Cleaning, Company
    assert figures.questions[3].comments == ["Very kind people"]


@pytest.mark.parametrize("language", LANGUAGES)
async def test_survey_questions_fit_in_three_segments_in_every_language(
    sms_bot, sms_user, twilio, language: str
) -> None:
    app = sms_bot.app
    service = await create_delivered_service(app)
    phone = f"+99655571000{LANGUAGES.index(language)}"
    await enrol(app, service, [f"{phone},{language}"])
    await create_feedback_survey(app, service, send_at=utcnow())
    await sms_bot.runtime.tick()
    [invitation] = await twilio.wait_for(1, to=phone)
    bodies = [invitation.body]
    user = sms_user(phone)
    for answer in ("5", "1", "1"):
        await user.say(answer)
        bodies.append(user.screen)
    assert to_gsm(translator(language).t("Skip")) in user.screen
    for body in bodies:
        assert count_segments(body).count <= 3, body
    async with app.sessions() as session:
        assert await session.scalar(select(Survey.status)) == "sent"
