"""The optional questions about oneself by SMS, in each language: numbered answers (0 skips),
each question within 3 segments."""

from __future__ import annotations

import pytest

from bot.channels.sms.segments import to_gsm
from bot.i18n import translator
from bot.settings import LANGUAGES
from handlers.account.flows.about_you import INVITE_SHORT
from models import GroupAnswers
from tests.bot.channels.sms.test_journey import (  # noqa: F401 (a fixture)
    LANGUAGE_NUMBER,
    assert_within_budget,
    questions,
)
from tests.factories import create_need, create_resident, person_at


@pytest.mark.parametrize("language", LANGUAGES)
async def test_the_questions_by_sms_after_a_first_support(
    sms_bot,
    sms_user,
    questions,  # noqa: F811 (the journey's fixture)
    language: str,
) -> None:
    tr = translator(language)
    need = await create_need(sms_bot.app, await create_resident(sms_bot.app, "neighbour"))
    user = sms_user(f"+99655540000{LANGUAGE_NUMBER[language]}")
    await user.say("Salam")
    await user.say(LANGUAGE_NUMBER[language])
    await user.say("Барпы")
    await user.choose(to_gsm(tr.t("Yes")))  # the place is right
    await user.choose(to_gsm(tr.t("Yes")))  # consent
    await user.choose(to_gsm(tr.t("Priorities of my community")))
    await user.say(need.reference)
    await user.choose(to_gsm(tr.t("Yes")))  # supports it
    assert to_gsm(tr.t(INVITE_SHORT)) in user.screen  # the short wording, on SMS
    await user.say("1")  # yes
    assert to_gsm(tr.t("How old are you?")) in user.screen
    assert f"0 {to_gsm(tr.t('Skip'))}" in user.screen
    await user.say("5")  # 60 or older
    await user.say("0")  # gender skipped
    await user.choose(to_gsm(tr.t("No")))
    assert (
        to_gsm(tr.t("Thank you! You can change or delete these answers at any time in Settings."))
        in user.screen
    )
    async with sms_bot.app.sessions() as session:
        person = await person_at(session, user.phone, "sms")
        row = await session.get(GroupAnswers, person.id)
    assert (row.age_band, row.gender, row.disability) == ("60_plus", None, "none")

    await user.say("menu")
    await user.choose(to_gsm(tr.t("Settings")))
    await user.choose(to_gsm(tr.t("About me")))
    assert to_gsm(tr.t("60 or older")) in user.screen
    assert_within_budget(questions)
