"""The resident journey by SMS only, in each language; every question within 3 segments."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.channels.sms import channel as sms_channel
from bot.channels.sms.render import render_text
from bot.channels.sms.segments import count_segments, to_gsm
from bot.i18n import translator
from bot.settings import LANGUAGES
from models import Need
from tests.factories import category

LANGUAGE_NUMBER = {"ky": "1", "ru": "2", "uz": "3", "en": "4"}


@pytest.fixture
def questions(monkeypatch) -> list:
    """Every reply the SMS channel sends, as the conversation made it."""
    seen: list = []
    original = sms_channel.combine

    def spy(replies):
        seen.extend(replies)
        return original(replies)

    monkeypatch.setattr(sms_channel, "combine", spy)
    return seen


def assert_within_budget(replies: list) -> list:
    """Every question (a reply with a turn token) fits in 3 segments; the questions."""
    asked = [reply for reply in replies if reply.token is not None]
    assert asked, "no questions seen"
    for reply in asked:
        assert count_segments(render_text(reply)).count <= 3, render_text(reply)
    return asked


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_resident_reports_a_need_by_sms_only(
    sms_bot, sms_user, questions, language: str
) -> None:
    tr = translator(language)
    user = sms_user(f"+99655520000{LANGUAGE_NUMBER[language]}")
    await user.say("Salam")
    await user.say(LANGUAGE_NUMBER[language])
    assert (
        to_gsm(tr.t("Choose your region, or type the name of your village or town.")) in user.screen
    )
    await user.say("Барпы")
    # the confirmation, by SMS too, with the rayon (within the budget checked below)
    assert to_gsm(tr.t("{unit} — is that right?", unit="")).strip(" —") in user.screen
    assert "(" in user.screen and ")" in user.screen
    await user.choose(to_gsm(tr.t("Yes")))  # the place is right
    await user.choose(to_gsm(tr.t("Yes")))
    await user.choose(to_gsm(tr.t("Report a need")))
    await user.choose(to_gsm((await category(sms_bot.app, "water")).name(language)))
    await user.say("Кудукта суу жок, 40 үй-бүлө суу ташыйт.")
    assert (
        to_gsm(tr.t("If you have a photo, send it now. Otherwise skip this step.")) in user.screen
    )
    await user.say("", NumMedia="1", MediaUrl0="https://api.twilio.com/media/ME1")  # an MMS photo
    assert to_gsm(tr.t("Where is it? Write the village and street.")) in user.screen
    await user.say("Барпы, Ленин көчөсү 5")
    await user.choose(to_gsm(tr.t("Yes")))
    reference = re.search(r"N-\d{6}", user.screen).group()
    assert (
        to_gsm(
            tr.t(
                "Thank you! Your report has been sent to the municipality. Its number is {ref}.",
                ref=reference,
            )
        )
        in user.screen
    )

    async with sms_bot.app.sessions() as session:
        need = await session.scalar(select(Need))
    assert need.reference == reference and need.language == language
    assert (
        need.photo_ref == "https://api.twilio.com/media/ME1"
        and need.place == "Барпы, Ленин көчөсү 5"
    )

    assert_within_budget(questions)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_every_menu_and_list_fits_in_three_segments(
    sms_bot, sms_user, questions, language: str
) -> None:
    """Long lists (districts, categories, the menu, settings, priorities) page to fit."""
    from tests.factories import create_need, create_resident

    tr = translator(language)
    neighbour = await create_resident(sms_bot.app, "neighbour")
    for i in range(6):
        await create_need(
            sms_bot.app, neighbour, description=f"A long description of need number {i} " * 4
        )
    user = sms_user(f"+99655530000{LANGUAGE_NUMBER[language]}")
    await user.say("hi")
    await user.say(LANGUAGE_NUMBER[language])
    await user.say("2")  # Jalal-Abad region: 12 districts and towns, more than one SMS holds
    await user.say("0")
    await user.say("Барпы")
    await user.choose(to_gsm(tr.t("Yes")))  # the place is right
    await user.choose(to_gsm(tr.t("Yes")))
    await user.choose(to_gsm(tr.t("Priorities of my community")))
    await user.say("0")
    await user.say("1")
    await user.say("help")
    await user.say("menu")
    await user.choose(to_gsm(tr.t("Settings")))
    await user.choose(to_gsm(tr.t("Delete my data")))
    asked = assert_within_budget(questions)
    assert any(r.choices and r.choices[-1].key == "0" for r in asked)  # lists were paged


@pytest.mark.parametrize("language", LANGUAGES)
async def test_staff_work_by_sms_within_three_segments(
    sms_bot, sms_user, questions, language: str
) -> None:
    """Staff can do their part by SMS too: find a report, reject it with a reason."""
    from tests.factories import create_invite_code, create_need, create_resident

    tr = translator(language)
    reporter = await create_resident(sms_bot.app, "reporter")
    need = await create_need(sms_bot.app, reporter, description="Street lights are out " * 10)
    officer = sms_user(f"+99655560000{LANGUAGE_NUMBER[language]}")
    await officer.say(await create_invite_code(sms_bot.app))
    await officer.say(LANGUAGE_NUMBER[language])
    await officer.say("Барпы")
    await officer.choose(to_gsm(tr.t("Yes")))  # the place is right
    await officer.choose(to_gsm(tr.t("Yes")))
    await officer.choose(to_gsm(tr.t("Needs of my municipality (staff)")))
    await officer.choose(to_gsm(tr.t("By category")))
    await officer.choose(to_gsm((await category(sms_bot.app, "roads_lighting")).name(language)))
    await officer.say("1")
    await officer.choose(to_gsm(tr.t("rejected")))
    await officer.say("Это ответственность района")
    assert tr.t("Send this to the resident?") in officer.screen  # what the resident gets, first
    await officer.choose(to_gsm(tr.t("Yes")))
    assert need.reference in officer.screen
    assert len(assert_within_budget(questions)) >= 8
