"""An NGO by SMS only, in every language: it registers (the sender's number offered as the
phone), staff approve it by SMS, and its member subscribes — each question within 3 segments."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.sms import channel as sms_channel
from bot.channels.sms.render import render_text
from bot.channels.sms.segments import count_segments, to_gsm
from bot.i18n import translator
from bot.settings import LANGUAGES
from handlers.ngos.subscriptions import subscribers
from models import Organization, OrganizationStatus, Person, Role
from tests.factories import HOME, category, create_invite_code, municipality

LANGUAGE_NUMBER = {"ky": "1", "ru": "2", "uz": "3", "en": "4"}
INN = "01503201910012"


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


async def choose(user, text: str) -> None:
    """Send the number shown for `text` (made plain GSM-7 or not), turning pages for it."""
    for _ in range(6):
        for line in user.screen.splitlines():
            number, _, shown = line.partition(" ")
            if number.isdigit() and shown in (text, to_gsm(text)):
                await user.say(number)
                return
        assert "\n0 " in user.screen, f"{text!r} is not on screen:\n{user.screen}"
        await user.say("0")
    raise AssertionError(f"{text!r} never showed")


async def set_up(user, language: str, yes: str) -> None:
    await user.say(LANGUAGE_NUMBER[language])
    await user.say("Барпы")
    await choose(user, yes)  # the place is right
    await choose(user, yes)


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_ngo_registers_is_approved_and_subscribes_by_sms(
    sms_bot, sms_user, questions, language: str
) -> None:
    tr = translator(language)
    education = (await category(sms_bot.app, "education")).name(language)
    phone = f"+99655580000{LANGUAGE_NUMBER[language]}"
    founder = sms_user(phone)
    await founder.say("hi")
    await set_up(founder, language, tr.t("Yes"))
    await choose(founder, tr.t("NGOs and tenders"))
    await choose(founder, tr.t("Register an NGO"))
    for answer in ("Umut", INN, "Aigul Osmonova"):
        await founder.say(answer)
    await choose(founder, phone)  # the sender's own number, one keypress
    await founder.say("Барпы")
    await choose(founder, tr.t("That's all, continue"))
    await choose(founder, education)
    await choose(founder, tr.t("That's all, continue"))
    await choose(founder, tr.t("Yes"))
    async with sms_bot.app.sessions() as session:
        organization = await session.scalar(select(Organization))
    assert (organization.contact_phone, organization.status) == (phone, OrganizationStatus.pending)

    officer = sms_user(f"+99655590000{LANGUAGE_NUMBER[language]}")
    await officer.say(await create_invite_code(sms_bot.app))
    await set_up(officer, language, tr.t("Yes"))
    await choose(officer, tr.t("NGO applications (staff)"))
    await choose(officer, f"Umut · {INN}")
    await choose(officer, tr.t("Approve"))
    async with sms_bot.app.sessions() as session:
        member = await session.scalar(select(Person).where(Person.organization_id.is_not(None)))
    assert member.role == Role.ngo_member

    await founder.say("menu")
    await choose(founder, tr.t("NGOs and tenders"))
    await choose(founder, tr.t("Tender subscriptions"))
    await choose(founder, tr.t("Add subscriptions"))
    await founder.say("1")  # the NGO's own municipality
    await choose(founder, tr.t("That's all, continue"))
    await choose(founder, education)
    await choose(founder, tr.t("That's all, continue"))
    await choose(founder, tr.t("Yes"))  # no channel question: SMS is the only one
    home = (await municipality(sms_bot.app, HOME)).id
    sector = (await category(sms_bot.app, "education")).id
    async with sms_bot.app.sessions() as session:
        found = await subscribers(session, home, sector)
    assert [(person.id, channel) for person, channel in found] == [(member.id, "sms")]

    asked = [reply for reply in questions if reply.token is not None]
    assert len(asked) >= 25
    for reply in asked:
        assert count_segments(render_text(reply)).count <= 3, render_text(reply)
