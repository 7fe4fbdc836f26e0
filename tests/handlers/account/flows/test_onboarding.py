"""First contact: language, municipality (browsed or searched in any script), consent or refusal."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from handlers.account.flows.onboarding import CONSENT_PROMPT
from models import Address, ConsentStatus, ConversationState, Need, Person
from tests.factories import HOME, create_need, create_resident, municipality, onboard, t


async def test_browsing_the_tree_region_district_municipality(app, chat) -> None:
    person = chat("browser")
    await person.say("hi")
    assert (
        t("ky", "Choose your language") in person.screen
        and t("ru", "Choose your language") in person.screen
    )
    await person.choose("Кыргызча")
    await person.choose("Жалал-Абад облусу")
    assert t("ky", "Choose your district or town.") in person.screen
    await person.choose("Сузак району")
    assert t("ky", "Choose your ayil aimak or town.") in person.screen
    await person.choose("Барпы айыл аймагы")
    assert t("ky", CONSENT_PROMPT) in person.screen
    await person.choose(t("ky", "Yes"))
    stored = await person.person()
    assert stored.language == "ky"
    assert stored.municipality_id == (await municipality(app, HOME)).id
    assert stored.consent == ConsentStatus.given


@pytest.mark.parametrize("typed", ["Барпы", "barpy", "BARPI", "барпи"])
async def test_typing_part_of_a_name_in_any_script_finds_it(app, chat, typed: str) -> None:
    person = chat(f"search-{typed}")
    await person.say("hi")
    await person.choose("English")
    await person.say(typed)
    assert "Barpy ayil aimak (Suzak District, Jalal-Abad Region) — is that right?" in person.screen
    assert (await person.person()).municipality_id is None  # nothing stored before the yes
    await person.choose("Yes")
    assert "Do you agree?" in person.screen


async def test_a_name_of_a_town_and_its_district_offers_the_town_then_the_district(chat) -> None:
    person = chat("ambiguous")
    await person.say("hi")
    await person.choose("English")
    await person.say("Suzak")
    assert "Suzak ayil aimak (Suzak District, Jalal-Abad Region) — is that right?" in person.screen
    await person.choose("No")
    assert "Then write the name again, or choose your region." in person.screen
    await person.choose("Suzak District (Jalal-Abad Region)")  # the other find comes first
    assert "Barpy ayil aimak" in person.screen  # the district's municipalities
    # asked for what is listed: ayil aimaks, not districts
    assert "Choose your ayil aimak or town." in person.screen
    assert "Choose your district" not in person.screen


async def test_a_refusal_keeps_only_the_refusal(app, chat) -> None:
    person = chat("refuser")
    await onboard(person, "ru", "Барпы", consent=False)
    assert (
        t(
            "ru",
            "Understood: we keep nothing about you except this answer and your language. "
            "You can still look at the priorities of any municipality and read the help. "
            "To report a need, choose “Give consent” in the menu at any time.",
        )
        in person.screen
    )
    stored = await person.person()
    assert stored.consent == ConsentStatus.refused
    assert stored.municipality_id is None
    state = await person.state()
    assert state.flow == "menu" and state.data["answers"] == {}
    # the menu offers what they can still do, and not reporting
    assert t("ru", "Give consent") in person.screen
    assert t("ru", "Report a need") not in person.screen
    await person.say(t("ru", "Report a need"))
    assert t("ru", "Please choose one of the options.") in person.screen


async def test_without_consent_priorities_can_be_read_but_not_supported(app, chat) -> None:
    neighbour = await create_resident(app, "neighbour")
    await create_need(app, neighbour, description="Playground equipment is broken")
    person = chat("reader")
    await onboard(person, consent=False)
    await person.choose("Priorities of my community")
    await person.say("Barpy")
    await person.choose("Yes")
    assert "Playground equipment is broken" in person.screen
    await person.say("1")
    assert "To support a need, first give your consent" in person.screen
    async with app.sessions() as session:
        assert (await person.person()).municipality_id is None
        assert await session.scalar(select(func.count()).select_from(Need)) == 1


async def test_consent_given_later_asks_for_the_municipality(app, chat) -> None:
    person = chat("later")
    await onboard(person, consent=False)
    await person.choose("Give consent")
    await person.choose("Yes")
    await person.say("Barpy")
    await person.choose("Yes")
    assert "Thank you! You can now report needs" in person.screen
    assert "Report a need" in person.screen
    stored = await person.person()
    assert stored.consent == ConsentStatus.given and stored.municipality_id is not None


async def test_a_newcomer_is_one_person_with_one_address(app, chat) -> None:
    person = chat("counted")
    await person.say("hi")
    await person.say("hi again")
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Person)) == 1
        assert await session.scalar(select(func.count()).select_from(Address)) == 1
        assert await session.scalar(select(func.count()).select_from(ConversationState)) == 1


async def test_a_refusal_forgets_a_municipality_known_from_before(app, chat) -> None:
    """Someone Kenesh knew a municipality for (added before they were ever asked) refuses:
    the municipality goes with the refusal, as nothing else is kept."""
    known = await create_resident(app, "known-before")
    async with app.sessions() as session, session.begin():
        stored = await session.get(Person, known.id)
        stored.consent, stored.consent_at = ConsentStatus.unknown, None
    person = chat("known-before")
    await onboard(person, consent=False)
    stored = await person.person()
    assert stored.consent == ConsentStatus.refused
    assert stored.municipality_id is None
