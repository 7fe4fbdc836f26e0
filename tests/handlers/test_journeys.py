"""Every resident journey, end to end through the simulator, in each of the four languages."""

from __future__ import annotations

import re

import pytest

from bot.i18n import translator
from bot.settings import LANGUAGES
from handlers.account.flows.about_you import INVITE
from models import GroupAnswers, Municipality
from tests.factories import ELSEWHERE, category, create_need, create_resident, municipality, onboard


async def group_answers(app, person_id: int) -> GroupAnswers:
    async with app.sessions() as session:
        return await session.get(GroupAnswers, person_id)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_journey(app, chat, language: str) -> None:
    tr = translator(language)
    neighbour_need = await create_need(
        app, await create_resident(app, "neighbour"), description="The park needs benches"
    )
    person = chat(f"journey-{language}")

    # 1. start: language → municipality → consent
    await onboard(person, language)
    assert tr.t("Main menu. What would you like to do?") in person.screen

    # 2. report a need
    await person.choose(tr.t("Report a need"))
    await person.choose((await category(app, "youth")).name(language))
    await person.say("A youth centre with evening classes")
    await person.say("0")  # no photo
    await person.say("Barpy, School street")
    await person.choose(tr.t("Yes"))
    reference = re.search(r"N-\d{6}", person.screen).group()

    # 2b. after the first need, the optional questions about oneself: one skipped
    assert tr.t(INVITE) in person.screen
    await person.choose(tr.t("Yes"))
    assert tr.t("How old are you?") in person.screen
    await person.choose(tr.t("60 or older"))
    await person.choose(tr.t("Woman"))
    await person.say("0")  # the disability question skipped
    assert (
        tr.t("Thank you! You can change or delete these answers at any time in Settings.")
        in person.screen
    )
    answers = await group_answers(app, (await person.person()).id)
    assert (answers.age_band, answers.gender, answers.disability) == ("60_plus", "woman", None)
    assert answers.agreed_at is not None

    # 3. my reports
    await person.choose(tr.t("My reports"))
    assert (
        f"{reference} · {(await category(app, 'youth')).name(language)} · {tr.t('new')}"
        in person.screen
    )

    # 4. priorities and "me too"
    await person.choose(tr.t("Priorities of my community"))
    assert "The park needs benches" in person.screen
    await person.say(neighbour_need.reference)
    assert tr.t("Do you support this need too?") in person.screen
    await person.choose(tr.t("Yes"))
    assert (
        tr.tn(
            "Thank you! {n} person now supports this need.",
            "Thank you! {n} people now support this need.",
            1,
        )
        in person.screen
    )

    # 5. settings: municipality, then language
    await person.choose(tr.t("Settings"))
    await person.choose(tr.t("My municipality"))
    await person.say("Pokrovka")
    await person.choose(tr.t("Yes"))
    place: Municipality = await municipality(app, ELSEWHERE)
    assert tr.t("Your municipality is now {place}.", place=place.name(language)) in person.screen
    other = "en" if language != "en" else "ru"
    await person.choose(tr.t("Settings"))
    await person.choose(tr.t("Language"))
    await person.choose({"ru": "Русский", "en": "English"}[other])
    assert translator(other).t("Main menu. What would you like to do?") in person.screen

    # 6. delete my data
    tr = translator(other)
    await person.choose(tr.t("Settings"))
    await person.choose(tr.t("Delete my data"))
    await person.choose(tr.t("Yes"))
    assert (
        tr.t(
            "Your data has been deleted. Thank you for taking part. Write to us again at any time."
        )
        in person.screen
    )
    assert await person.person() is None
