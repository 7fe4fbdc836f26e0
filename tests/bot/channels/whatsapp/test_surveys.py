"""A survey over WhatsApp in every language: someone who wrote today gets the first question
with its buttons; someone whose window closed gets the survey template, presses "Continue" and
answers from the first question."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from bot.channels.whatsapp.templates import BY_KIND, body_text
from bot.i18n import LANGUAGE_NAMES, translator
from bot.settings import LANGUAGES
from handlers.surveys.results import results
from models import Address, Person
from models.base import utcnow
from tests.bot.channels.sms.test_surveys import enrol
from tests.bot.channels.whatsapp.conftest import WhatsAppUser, start_whatsapp_bot
from tests.conftest import clear
from tests.handlers.surveys.test_services import create_delivered_service, create_feedback_survey

CODES = {"ky": "ky_KG", "ru": "ru", "uz": "uz", "en": "en"}


async def answer_all(user: WhatsAppUser, language: str) -> None:
    tr = translator(language)
    await user.say("4")  # the rating: the number typed works as well as the row
    await user.press(tr.t("Yes"))
    await user.say("2")
    await user.say("Very kind people")
    assert tr.t("Thank you! Your answers are saved.") in user.screen


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_survey_over_whatsapp_open_and_closed_window(database, graph, language) -> None:
    await clear(database)
    for code_language, code in CODES.items():
        graph.approve("kenesh_survey", code, body_text(BY_KIND["survey"], code_language))
    bot = await start_whatsapp_bot(database, graph, whatsapp_templates="survey=kenesh_survey")
    try:
        tr = translator(language)
        today, lapsed = WhatsAppUser(bot, "996555710001"), WhatsAppUser(bot, "996555710002")
        for user in (today, lapsed):
            await user.say("Salam")
            await user.press(LANGUAGE_NAMES[language])
            await user.say("Барпы")
            await user.press(tr.t("Yes"))  # the place is right
            await user.press(tr.t("Yes"))
        async with bot.app.sessions() as session, session.begin():
            await session.execute(
                update(Address)
                .where(Address.value == lapsed.phone)
                .values(last_seen_at=utcnow() - timedelta(hours=30))
            )
        graph.close_window(lapsed.wa_id)
        service = await create_delivered_service(bot.app)
        await enrol(bot.app, service, [today.phone, lapsed.phone])
        survey = await create_feedback_survey(bot.app, service, send_at=utcnow())
        await bot.runtime.tick()  # (or the runtime's own ticker, whichever locks the survey first)
        await graph.wait_for(1, to=today.wa_id)
        await graph.wait_for(1, to=lapsed.wa_id)
        await bot.settle()

        [invitation] = today.catch_up()
        assert invitation.type == "interactive"  # the first question, its options as a list
        assert "How good was the care?" in invitation.text or "Как уход?" in invitation.text
        [template] = lapsed.catch_up()
        assert template.type == "template" and template.body["template"]["name"] == "kenesh_survey"
        assert template.body["template"]["language"]["code"] == CODES[language]

        await lapsed.press_continue(tr.t("Continue"))
        assert lapsed.received and lapsed.received[-1].type == "interactive"  # question 1 again
        await answer_all(lapsed, language)
        await answer_all(today, language)
        async with bot.app.sessions() as session:
            figures = await results(session, survey.id, min_group=1)  # two people answer
            people = await session.scalar(select(func.count()).select_from(Person))
        assert (figures.invited, figures.completed) == (2, 2)
        assert figures.questions[0].counts == {"4": 2}
        assert people == 2  # enrolled by phone: no second person for a WhatsApp number
    finally:
        await bot.runtime.stop()
