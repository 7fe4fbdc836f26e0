"""Staff announce, follow and cancel by SMS too, each question within 3 segments, in every language."""

from __future__ import annotations

import pytest

from bot.channels.sms import channel as sms_channel
from bot.channels.sms.render import render_text
from bot.channels.sms.segments import count_segments, to_gsm
from bot.i18n import translator
from bot.settings import LANGUAGES
from tests.factories import create_invite_code, create_resident

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


@pytest.mark.parametrize("language", LANGUAGES)
async def test_staff_announce_follow_and_cancel_by_sms(
    sms_bot, sms_user, questions, language: str
) -> None:
    tr = translator(language)

    def label(message: str) -> str:
        return tr.t(message)

    async def choose(text: str) -> None:
        """Send the number shown for `text` (made plain GSM-7 or not), turning pages for it."""
        for _ in range(6):
            for line in officer.screen.splitlines():
                number, _, shown = line.partition(" ")
                if number.isdigit() and shown in (text, to_gsm(text)):
                    await officer.say(number)
                    return
            assert "\n0 " in officer.screen, f"{text!r} is not on screen:\n{officer.screen}"
            await officer.say("0")
        raise AssertionError(f"{text!r} never showed")

    for i in range(3):
        await create_resident(sms_bot.app, f"reader-{i}", language="ky")
    officer = sms_user(f"+99655570000{LANGUAGE_NUMBER[language]}")
    await officer.say(await create_invite_code(sms_bot.app))
    await officer.say(LANGUAGE_NUMBER[language])
    await officer.say("Барпы")
    await choose(label("Yes"))  # the place is right
    await choose(label("Yes"))
    await choose(label("Announcement (staff)"))
    await choose(label("Residents"))
    await choose(label("Only one channel"))
    await choose("SMS")
    await choose(label("Only some languages"))
    await choose("Кыргызча")
    await choose(label("No, continue"))
    await officer.say("Бейшемби күнү саат 10до айыл өкмөттө жыйын болот.")
    await choose(label("That's all, continue"))
    await choose(label("At a set time"))
    await officer.say("2099-06-01 09:30")
    await choose(label("Yes"))
    await choose(label("My announcements (staff)"))
    await officer.say("1")
    await choose(label("Cancel the announcement"))
    await choose(label("Yes"))
    assert to_gsm(tr.tn("Announcement {id} is cancelled: {n} message will not be sent.",
                        "Announcement {id} is cancelled: {n} messages will not be sent.",
                        0, id=1)) in officer.screen  # fmt: skip

    asked = [reply for reply in questions if reply.token is not None]
    assert len(asked) >= 15
    for reply in asked:
        assert count_segments(render_text(reply)).count <= 3, render_text(reply)
