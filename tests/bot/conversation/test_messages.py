"""Every message is cleaned before it is stored: control characters and lone surrogates (which
PostgreSQL refuses) go, line breaks stay; a provider id longer than its column still dedups."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.simulator import SIMULATOR
from bot.conversation.engine import APOLOGY
from bot.conversation.messages import Inbound
from models import Need
from tests.factories import onboard, t

DIRTY = "The well\x00 is dry\r\nsince May\x1b\ud800 😀\u200d🔥"
CLEAN = "The well is dry since May 😀\u200d🔥"  # Ask collapses white space, as it always did


async def test_control_characters_are_stripped_from_what_is_stored(chat) -> None:
    person = chat("dirty")
    await onboard(person)
    await person.choose("Report a need")
    await person.choose("Health")
    screen = await person.send(Inbound(SIMULATOR.code, "dirty", text=DIRTY))
    assert t("en", APOLOGY) not in screen and "If you have a photo" in screen
    await person.say("0")
    await person.say("Lenin st.\x00 5")
    await person.choose("Yes")
    async with person.app.sessions() as session:
        need = await session.scalar(select(Need))
    assert (need.description, need.place) == (CLEAN, "Lenin st. 5")


def test_a_message_keeps_its_line_breaks_and_loses_its_controls() -> None:
    message = Inbound("sim", "a\x00b", text="one\r\ntwo\x00\x7f\x85three", choice="x\x00")
    assert (message.address, message.text, message.choice) == ("ab", "one\ntwo\nthree", "x")


async def test_an_overlong_provider_id_still_dedups(chat) -> None:
    person = chat("long-id")
    message = Inbound(SIMULATOR.code, "long-id", text="hello", dedup_key="M" * 500)
    assert len(message.dedup_key) <= 128
    assert "Choose your language" in await person.send(message)
    assert await person.send(message) == ""  # the same id again: already handled
