"""Reporting a need, in every language, with photo and location, and every way of getting it wrong."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.settings import LANGUAGES
from models import Need, NeedStatus
from tests.factories import HOME, municipality, onboard, t

LABEL = {
    "ky": "Суу менен камсыздоо",
    "ru": "Водоснабжение",
    "uz": "Suv ta’minoti",
    "en": "Water supply",
}


async def start_report(chat, language: str) -> None:
    await onboard(chat, language)
    await chat.choose(t(language, "Report a need"))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_resident_reports_a_need_in_their_language(app, chat, language: str) -> None:
    person = chat(f"resident-{language}")
    await start_report(person, language)
    assert t(language, "What is the need about? Choose a category.") in person.screen
    await person.choose(LABEL[language])
    assert (
        t(language, "Describe the need in a few sentences: what is missing and for whom.")
        in person.screen
    )
    await person.say(
        "Our street has had no drinking water since May; 40 families carry it by hand."
    )
    await person.say("/photo photo-42")
    await person.say("/location 40.93 72.98")
    assert t(language, "Please check your report:") in person.screen
    assert LABEL[language] in person.screen
    await person.choose(t(language, "Yes"))

    async with app.sessions() as session:
        need = await session.scalar(select(Need))
    assert need is not None
    assert (
        t(
            language,
            "Thank you! Your report has been sent to the municipality. Its number is {ref}.",
            ref=need.reference,
        )
        in person.screen
    )
    assert need.reference == f"N-{need.id:06d}"
    assert need.language == language
    assert need.status == NeedStatus.new
    assert need.photo_ref == "photo-42"
    assert (need.latitude, need.longitude) == (40.93, 72.98)
    assert need.municipality_id == (await municipality(app, HOME)).id
    # the optional questions about oneself, once, after the first need: "Not now" is one answer
    assert t(language, "Not now") in person.screen
    await person.choose(t(language, "Not now"))
    assert t(language, "Main menu. What would you like to do?") in person.screen


async def test_place_in_words_and_skipped_photo(app, chat) -> None:
    person = chat("words")
    await start_report(person, "en")
    await person.choose("Roads and lighting")
    await person.say("Three street lamps near the school are broken.")
    await person.choose("Skip")
    await person.say("Barpy, Lenin street 12")
    assert "Place: Barpy, Lenin street 12" in person.screen
    assert "Photo: attached" not in person.screen
    await person.say("yes")
    async with app.sessions() as session:
        need = await session.scalar(select(Need))
    assert (
        need.place == "Barpy, Lenin street 12" and need.photo_ref is None and need.latitude is None
    )


async def test_every_step_rejects_bad_input_and_asks_again(app, chat) -> None:
    person = chat("clumsy")
    await start_report(person, "en")

    await person.say("42")  # category: no such number
    assert "There is no option 42." in person.screen
    assert "What is the need about?" in person.screen
    await person.say("/photo x.jpg")  # a photo is not a category
    assert "Please choose one of the options." in person.screen
    await person.say("water")  # a unique part of a label is understood
    assert "Describe the need" in person.screen

    await person.say("x")  # description too short
    assert "That is too short: write at least 2 characters." in person.screen
    await person.say("y" * 1001)  # too long
    assert "That is too long: 1001 characters, at most 1000 fit." in person.screen
    await person.say("/location 1 2")  # a location is not a description
    assert "Please answer in words." in person.screen
    await person.say("  The   well is dry  ")
    assert "If you have a photo" in person.screen

    await person.say("hello")  # text where a photo was asked
    assert "Send a photo, or skip this step." in person.screen
    await person.say("0")
    assert "Where is it?" in person.screen
    await person.say("x")
    assert "Write the village and street, or skip this step." in person.screen
    await person.say("skip")
    await person.say("maybe")  # confirm: neither yes nor no
    assert "Please choose one of the options." in person.screen
    assert "Description: The well is dry" in person.screen  # collected answers are kept
    await person.say("no")
    assert "Not sent. Your report was not saved." in person.screen
    async with app.sessions() as session:
        assert await session.scalar(select(Need)) is None


async def test_leaving_for_the_menu_keeps_a_draft(app, chat) -> None:
    person = chat("draft")
    await start_report(person, "en")
    await person.choose("Health")
    await person.say("menu")
    assert "Main menu" in person.screen
    await person.choose("Report a need")
    assert "Let's continue where you left off." in person.screen
    assert "Describe the need" in person.screen
    await person.say("cancel")
    assert "Cancelled. Nothing was saved." in person.screen
    await person.choose("Report a need")
    assert "Let's continue" not in person.screen
    assert "What is the need about?" in person.screen
