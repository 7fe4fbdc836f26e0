"""Plain text messages read without aiogram give exactly the Inbound aiogram's way gives, and
anything else — another kind of update, a field more, a type off — is left to aiogram."""

from __future__ import annotations

import copy
import json

import pytest
from aiogram import Bot
from aiogram.types import Update

from bot.channels.telegram.inbound import from_message
from bot.channels.telegram.plain import plain_text
from bot.channels.telegram.updates import read_json, to_update
from tests.fakes.telegram_api import FakeTelegram

BOT = Bot("123456:TEST-token")


def updates() -> list[dict]:
    builders = FakeTelegram()  # not started: only its update builders
    made = [
        builders.message(501, text="Суу жок, эки жумадан бери"),
        builders.message(502, text="/start N-000123"),
        builders.message(503, text=""),
        builders.message(504, text="x" * 4096, language_code="uz"),
    ]
    return made


def aiogram_way(update: dict):
    parsed = to_update(read_json(json.dumps(update).encode()), BOT)
    assert isinstance(parsed, Update) and parsed.message is not None
    return from_message(parsed.message, parsed.update_id)


@pytest.mark.parametrize("update", updates(), ids=lambda u: u["message"]["text"][:12])
def test_a_plain_text_message_reads_as_aiogram_reads_it(update: dict) -> None:
    inbound = plain_text(update)
    assert inbound is not None
    assert inbound == aiogram_way(update)


def changed(path: tuple[str, ...], value: object) -> dict:
    update = copy.deepcopy(updates()[0])
    target = update
    for key in path[:-1]:
        target = target[key]
    if value is KeyError:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return update


ODD = {
    "a group": changed(("message", "chat", "type"), "group"),
    "a photo too": changed(("message", "photo"), [{"file_id": "f", "file_unique_id": "u"}]),
    "a reply": changed(("message", "reply_to_message"), {"message_id": 1}),
    "an edit": {"update_id": 1, "edited_message": updates()[0]["message"]},
    "no date": changed(("message", "date"), KeyError),
    "a string id": changed(("message", "chat", "id"), "501"),
    "a bool id": changed(("message", "chat", "id"), True),
    "text not a string": changed(("message", "text"), 5),
    "an entity without length": changed(("message", "entities"), [{"type": "x", "offset": 0}]),
    "a user without a name": changed(("message", "from"), {"id": 1, "is_bot": False}),
    "something new": changed(("message", "story"), {}),
    "update id a float": changed(("update_id",), 1.5),
}


@pytest.mark.parametrize("update", ODD.values(), ids=ODD.keys())
def test_anything_else_is_left_to_aiogram(update: dict) -> None:
    assert plain_text(update) is None
