"""Registering an NGO in the bot: the INN is checked, several municipalities and sectors, a
pending application whose registrant is its first member."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from handlers.ngos.ngos import category_ids_of, municipality_ids_of
from models import Organization, OrganizationStatus, Person, Role
from tests.factories import ELSEWHERE, HOME, category, municipality, onboard, t

INN = "01503201910012"


async def start_registration(person, language: str = "en") -> None:
    await person.choose(t(language, "NGOs and tenders"))
    await person.choose(t(language, "Register an NGO"))


@pytest.mark.parametrize("language", ["ky", "ru", "uz", "en"])
async def test_an_ngo_registers_and_waits_for_review(app, chat, language: str) -> None:
    founder = chat(f"founder-{language}")
    await onboard(founder, language)
    await start_registration(founder, language)
    assert t(language, "What is the full name of the NGO?") in founder.screen
    await founder.say("Umut Public Foundation")
    assert (
        t(language, "What is the NGO's INN? It has 14 digits and starts with 0.") in founder.screen
    )

    await founder.say("21503198010012")  # the founder's own INN
    assert (
        t(language, "This is a personal INN. Write the INN of the organization: it starts with 0.")
        in founder.screen
    )
    await founder.say("0150320191001")
    assert (
        t(language, "An INN has 14 digits, and an organization's starts with 0. Check it.")
        in founder.screen
    )
    await founder.say("03102201910012")  # 31 February
    assert t(language, "This INN cannot be right: its digits 2 to 9 are the registration date "
             "(DDMMYYYY), and that is not a real past date. Check it.") in founder.screen  # fmt: skip
    await founder.say("0150 3201 9100 12")

    await founder.say("Aigul Osmonova")
    phone_question = "Which phone number should staff call? Share yours, or write one."
    assert t(language, phone_question) in founder.screen
    await founder.say("12")
    assert t(language, "This phone number does not look right. Write it like 0555 123 456.") in (
        founder.screen
    )
    await founder.say("0555 123 456")

    assert (
        t(language, "Where does the NGO work? Choose the region, or type the name of the village or town.")
        in founder.screen
    )  # fmt: skip
    await founder.say("Barpy")
    assert t(language, "The NGO works in: {places}. Add another municipality?", places=(
        await municipality(app, HOME)).name(language)) in founder.screen  # fmt: skip
    await founder.choose(t(language, "Add another municipality"))
    await founder.say("Pokrovka")
    await founder.choose(t(language, "That's all, continue"))

    education = await category(app, "education")
    youth = await category(app, "youth")
    await founder.choose(education.name(language))
    assert t(language, "Chosen: {names}", names=education.name(language)) in founder.screen
    await founder.choose(youth.name(language))
    await founder.choose(t(language, "That's all, continue"))

    summary = founder.screen
    for line in (
        t(language, "NGO: {name}", name="Umut Public Foundation"),
        t(language, "INN: {inn}", inn=INN),
        t(language, "Contact person: {name}", name="Aigul Osmonova"),
        t(language, "Phone: {phone}", phone="+996555123456"),
        t(
            language,
            "Sectors: {names}",
            names=f"{education.name(language)}, {youth.name(language)}",
        ),
    ):
        assert line in summary
    await founder.choose(t(language, "Yes"))
    assert t(language, "Thank you! The application of “{name}” has been sent. Municipal staff "
             "will review it, and we will write to you here once it is decided.",
             name="Umut Public Foundation") in founder.screen  # fmt: skip

    founder_id = (await founder.person()).id
    async with app.sessions() as session:
        organization = await session.scalar(select(Organization))
        person = await session.get(Person, founder_id)
        places = await municipality_ids_of(session, organization.id)
        sectors = await category_ids_of(session, organization.id)
    assert (organization.inn, organization.status) == (INN, OrganizationStatus.pending)
    assert organization.contact_phone == "+996555123456"
    assert organization.registered_by_id == person.id == founder_id
    assert sorted(places) == sorted(
        [(await municipality(app, HOME)).id, (await municipality(app, ELSEWHERE)).id]
    )
    assert sorted(sectors) == sorted([education.id, youth.id])
    assert person.organization_id == organization.id and person.role == Role.resident

    # the hub now only says it is waiting
    await founder.choose(t(language, "NGOs and tenders"))
    assert t(language, "The application of “{name}” is waiting for review by municipal staff. "
             "We will write to you once it is decided.", name="Umut Public Foundation") in (
        founder.screen)  # fmt: skip
    assert t(language, "Register an NGO") not in founder.screen


async def test_a_registered_inn_is_refused_with_a_clear_message(app, chat) -> None:
    first, second = chat("first"), chat("second")
    for person in (first, second):
        await onboard(person)
        await start_registration(person)
        await person.say("Umut")
    await first.say(INN)
    for answer in ("Aigul", "0555 123 456", "Barpy", "1", "Education", "1", "Yes"):
        await first.say(answer)
    assert "has been sent" in first.screen
    await second.say(INN)
    assert "An NGO with this INN is registered already." in second.screen
    assert "“Join an NGO”" in second.screen


async def test_a_shared_contact_is_the_phone_and_is_not_linked(app, chat) -> None:
    founder = chat("founder")
    await onboard(founder)
    await start_registration(founder)
    for answer in ("Umut", INN, "Aigul"):
        await founder.say(answer)
    await founder.say("/contact +996 700 111 222")
    assert "Where does the NGO work?" in founder.screen
    assert await founder.addresses() == [("sim", "founder")]  # the NGO's phone, not a link


async def test_a_number_the_person_is_known_by_is_offered(app, chat) -> None:
    founder = chat("founder")
    await onboard(founder)
    await founder.say("/contact 0555 123 456")  # linked from the menu
    await start_registration(founder)
    for answer in ("Umut", INN, "Aigul"):
        await founder.say(answer)
    assert "Choose yours, or write another." in founder.screen
    await founder.choose("+996555123456")
    for answer in ("Barpy", "1", "Education", "1"):
        await founder.say(answer)
    assert "Phone: +996555123456" in founder.screen


async def test_leaving_for_the_menu_keeps_the_draft(app, chat) -> None:
    founder = chat("founder")
    await onboard(founder)
    await start_registration(founder)
    await founder.say("Umut")
    await founder.say("menu")
    await founder.choose("NGOs and tenders")
    await founder.choose("Register an NGO")
    assert "Let's continue where you left off." in founder.screen
    assert "What is the NGO's INN?" in founder.screen


async def test_without_consent_there_is_no_ngo_entry(app, chat) -> None:
    person = chat("refuser")
    await onboard(person, consent=False)
    assert "NGOs and tenders" not in person.screen
    flows = app.conversation.flows
    assert flows["ngo_register"].allowed(await person.person()) is False
    assert flows["ngo_menu"].allowed(await person.person()) is False
