"""The same prompt through a gateway phone: a Beeline number gets self-contained numbered
single SMS, a MegaCom number one concatenated message."""

from __future__ import annotations

import pytest

from bot.channels.sms.segments import count_segments, to_gsm
from bot.i18n import translator
from tests.bot.channels.sms.android.conftest import Texter

BEELINE_PHONE, MEGACOM_PHONE = "+996770123456", "+996555123456"


@pytest.mark.parametrize("language", ["ru", "en"])
async def test_beeline_gets_numbered_parts_and_megacom_one_message_for_the_same_prompt(
    gateway_bot, gateway, language: str
) -> None:
    screens = {}
    for phone in (BEELINE_PHONE, MEGACOM_PHONE):
        person = Texter(gateway_bot, phone)
        await person.say("Salam")
        await person.say({"ru": "2", "en": "4"}[language])
        await person.say("Барпы")
        screens[phone] = [m.text for m in gateway.order if phone in m.phone_numbers][-1:]
        menu = to_gsm(translator(language).t("Report a need"))
        for _ in range(3):  # "1" (yes) to the place and the consent, until the main menu
            await person.say("1")
            if menu in person.screen:
                break
        screens[phone] = person.inbox()[person.seen :]
    # the main menu, the turn's last prompt: one long SMS on MegaCom …
    megacom = screens[MEGACOM_PHONE][-1]
    assert count_segments(megacom).count > 1  # concatenated
    assert to_gsm(translator(language).t("Report a need")) in megacom
    # … and single SMS numbered (1/N) … (N/N) on Beeline, the same words, none cut
    groups: list[list[str]] = []
    for part in screens[BEELINE_PHONE]:
        if part.startswith("(1/") or not groups:
            groups.append([])
        groups[-1].append(part)
    beeline = groups[-1]
    assert len(beeline) > 1
    assert all(count_segments(part).count == 1 for part in beeline)
    assert [p.split(" ", 1)[0] for p in beeline] == [
        f"({i}/{len(beeline)})" for i in range(1, len(beeline) + 1)
    ]
    joined = " ".join(p.split(" ", 1)[1] for p in beeline).split()
    assert joined == megacom.split()
