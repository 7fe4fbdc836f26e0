"""NGOs and staff over WhatsApp, in every language: an NGO registers (its WhatsApp number
offered as the phone), staff approve it and triage a need, the member subscribes and gets the
tender alert."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.i18n import LANGUAGE_NAMES, translator
from bot.settings import LANGUAGES
from handlers.ngos.subscriptions import subscribers
from models import Need, NeedStatus, Organization, OrganizationStatus, Person, Role
from tests.factories import HOME, category, create_invite_code, create_need, municipality
from tests.tender_factories import create_tender_for

INN = "01503201910012"


async def set_up(user, language: str) -> None:
    tr = translator(language)
    await user.say("Salam")
    await user.press(LANGUAGE_NAMES[language])
    await user.say("Барпы")
    await user.press(tr.t("Yes"))  # the place is right
    await user.press(tr.t("Yes"))


@pytest.mark.parametrize("language", LANGUAGES)
async def test_an_ngo_and_staff_over_whatsapp(wa_bot, wa_user, language: str) -> None:
    tr = translator(language)
    index = LANGUAGES.index(language)
    education = (await category(wa_bot.app, "education")).name(language)
    founder = wa_user(f"99655581000{index}")
    await set_up(founder, language)
    await founder.choose(tr.t("NGOs and tenders"), language)
    await founder.choose(tr.t("Register an NGO"), language)
    for answer in ("Umut", INN, "Aigul Osmonova"):
        await founder.say(answer)
    await founder.choose(founder.phone, language)  # the WhatsApp number, one press
    await founder.say("Барпы")
    await founder.choose(tr.t("That's all, continue"), language)
    await founder.choose(education, language)
    await founder.choose(tr.t("That's all, continue"), language)
    await founder.choose(tr.t("Yes"), language)
    async with wa_bot.app.sessions() as session:
        organization = await session.scalar(select(Organization))
    assert organization.contact_phone == founder.phone
    assert organization.status == OrganizationStatus.pending

    officer = wa_user(f"99655591000{index}")
    await officer.say(await create_invite_code(wa_bot.app))
    await officer.press(LANGUAGE_NAMES[language])
    await officer.say("Барпы")
    await officer.press(tr.t("Yes"))  # the place is right
    await officer.press(tr.t("Yes"))
    await officer.choose(tr.t("NGO applications (staff)"), language)
    await officer.choose(f"Umut · {INN}", language)
    await officer.choose(tr.t("Approve"), language)
    async with wa_bot.app.sessions() as session:
        member = await session.scalar(select(Person).where(Person.organization_id.is_not(None)))
    assert member.role == Role.ngo_member
    founder.catch_up()
    assert founder.received  # told of the approval, on WhatsApp

    await founder.say("menu")
    await founder.choose(tr.t("NGOs and tenders"), language)
    await founder.choose(tr.t("Tender subscriptions"), language)
    await founder.choose(tr.t("Add subscriptions"), language)
    await founder.say("1")  # the NGO's own municipality
    await founder.choose(tr.t("That's all, continue"), language)
    await founder.choose(education, language)
    await founder.choose(tr.t("That's all, continue"), language)
    await founder.choose(tr.t("Yes"), language)
    home = (await municipality(wa_bot.app, HOME)).id
    sector = (await category(wa_bot.app, "education")).id
    async with wa_bot.app.sessions() as session:
        found = await subscribers(session, home, sector)
    assert [(person.id, channel) for person, channel in found] == [(member.id, "whatsapp")]

    await create_tender_for(wa_bot.app, sector="education", title="School heating")
    await wa_bot.settle()
    assert any("School heating" in m.text for m in founder.catch_up())

    # staff triage: a resident's need moves to in progress, and the resident is told
    resident = wa_user(f"99655592000{index}")
    await set_up(resident, language)
    async with wa_bot.app.sessions() as session:
        reporter = await session.scalar(
            select(Person).where(Person.id.not_in([member.id]), Person.role == Role.resident)
        )
    need = await create_need(wa_bot.app, reporter, description="Мектептин жылуулугу жок")
    await officer.say("menu")
    await officer.choose(tr.t("Needs of my municipality (staff)"), language)
    await officer.say(need.reference)
    await officer.choose(tr.t("in progress"), language)
    await officer.choose(tr.t("Skip"), language)
    await officer.choose(tr.t("Yes"), language)  # send the previewed notice to the resident
    await wa_bot.settle()
    async with wa_bot.app.sessions() as session:
        status = await session.scalar(select(Need.status).where(Need.id == need.id))
    assert status == NeedStatus.in_progress
    assert any(need.reference in m.text for m in resident.catch_up())
    assert wa_bot.graph.refused == []
