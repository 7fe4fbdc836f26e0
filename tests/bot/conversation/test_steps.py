"""What people really type at a question: digits of any script, texts longer than their column,
places off the map, photo references no column holds. Each gets the number it is or the
question's own hint, never "something went wrong"."""

from __future__ import annotations

import pytest

from bot.channels.simulator import SIMULATOR
from bot.conversation.engine import APOLOGY
from bot.conversation.messages import Inbound, Location, Photo
from tests.factories import onboard, t

# "2" in superscript, Arabic-Indic, Extended Arabic-Indic (Persian), full width, Devanagari
TWOS = ["²", "٢", "۲", "２", "२"]


@pytest.mark.parametrize("two", TWOS)
async def test_a_digit_of_any_script_picks_its_option(chat, two: str) -> None:
    person = chat(f"digit-{ord(two)}")
    await person.say("hello")
    await person.say(two)  # the second language: Русский
    assert t("en", APOLOGY) not in person.screen
    assert (await person.person()).language == "ru"


@pytest.mark.parametrize("typed", ["⁹", "٩٩", "1" * 5000, "١" * 40])
async def test_a_number_beyond_the_list_gets_the_usual_hint(chat, typed: str) -> None:
    person = chat(f"beyond-{len(typed)}-{ord(typed[0])}")
    await person.say("hello")
    await person.say(typed)
    assert t("en", APOLOGY) not in person.screen
    assert "Choose your language" in person.screen
    assert (await person.person()).language is None


async def test_a_superscript_number_of_a_page_turn_works(chat) -> None:
    person = chat("page-turn")
    await onboard(person)
    await person.choose("Report a need")
    await person.say("⁰" if "  0. " in person.screen else "¹")
    assert t("en", APOLOGY) not in person.screen


async def reach_place(person) -> None:
    await onboard(person)
    await person.choose("Report a need")
    await person.choose("Health")
    await person.say("The clinic has no doctor on Fridays")


async def test_a_photo_reference_too_long_to_keep_is_refused_kindly(chat) -> None:
    person = chat("long-photo")
    await reach_place(person)
    assert "If you have a photo" in person.screen
    message = Inbound(SIMULATOR.code, "long-photo", photo=Photo("A" * 513))
    screen = await person.send(message)
    assert t("en", "That photo could not be kept. Send another, or skip.") in screen
    await person.say("/photo " + "B" * 512)
    assert "Where is it?" in person.screen


@pytest.mark.parametrize(
    "where", [(91.0, 10.0), (10.0, -180.5), (float("nan"), 1.0), (1.0, float("inf"))]
)
async def test_a_location_off_the_map_is_asked_again(chat, where) -> None:
    person = chat(f"off-map-{where}")
    await reach_place(person)
    await person.say("/photo p1")
    message = Inbound(SIMULATOR.code, person.address, location=Location(*where))
    screen = await person.send(message)
    assert t("en", "That location is not on the map. Share it again.") in screen
    assert t("en", APOLOGY) not in screen


async def test_a_place_in_words_too_long_is_refused_not_cut(chat) -> None:
    person = chat("long-place")
    await reach_place(person)
    await person.say("/photo p1")
    await person.say("Lenin street " * 30)
    assert "That is too long: 389 characters, at most 300 fit." in person.screen
    await person.say("Lenin street 5")
    assert "Please check your report:" in person.screen
