"""Settings: change language or municipality; delete one's data but keep the need texts."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Address, ConversationState, GroupAnswers, Need, NeedSupport, Person
from tests.factories import ELSEWHERE, create_need, create_resident, municipality, onboard, t


async def test_change_language_and_municipality(app, chat) -> None:
    person = chat("mover")
    await onboard(person)
    await person.choose("Settings")
    assert "Settings. Your municipality: Barpy ayil aimak." in person.screen
    await person.choose("My municipality")
    await person.say("Pokrovka")
    assert "Pokrovka ayil aimak (Manas District, Talas Region) — is that right?" in person.screen
    assert (await person.person()).municipality_id != (await municipality(app, ELSEWHERE)).id
    await person.choose("Yes")
    assert "Your municipality is now Pokrovka ayil aimak." in person.screen
    assert (await person.person()).municipality_id == (await municipality(app, ELSEWHERE)).id
    await person.choose("Settings")
    await person.choose("Language")
    await person.choose("O‘zbekcha")
    assert t("uz", "Main menu. What would you like to do?") in person.screen
    assert (await person.person()).language == "uz"


async def test_delete_my_data_keeps_the_need_text_anonymously(app, chat) -> None:
    person = chat("leaver")
    await onboard(person)
    me = await person.person()
    need = await create_need(app, me, description="The school roof leaks")
    async with app.sessions() as session, session.begin():
        (await session.get(Need, need.id)).photo_ref = "AgACAgIAAxkBAAIB-their-roof-photo"
    other = await create_need(app, await create_resident(app, "other"), description="Other need")
    await person.choose("Priorities of my community")
    await person.say(other.reference)
    await person.choose("Yes")
    await person.choose("Yes")  # the questions about oneself, answered
    await person.choose("30–44")
    await person.choose("Man")
    await person.choose("No")
    async with app.sessions() as session:
        assert (await session.get(GroupAnswers, me.id)).age_band == "30_44"

    await person.choose("Settings")
    await person.choose("Delete my data")
    assert "The texts of your reports stay" in person.screen
    await person.choose("Yes")
    assert "Your data has been deleted." in person.screen

    async with app.sessions() as session:
        assert await session.get(Person, me.id) is None
        assert await session.scalar(select(Address).where(Address.value == "leaver")) is None
        assert await session.get(ConversationState, me.id) is None
        kept = await session.get(Need, need.id)
        assert kept.description == "The school roof leaks" and kept.reporter_id is None
        assert kept.photo_ref is None  # their photo may show them or their house: it goes
        assert await session.get(GroupAnswers, me.id) is None  # their answers about themselves
        supports = await session.scalar(
            select(func.count()).select_from(NeedSupport).where(NeedSupport.need_id == other.id)
        )
        assert supports == 1  # the support still counts, without the person

    await person.say("hello")  # writing again starts afresh
    assert t("en", "Choose your language") in person.screen


async def test_changing_ones_mind_deletes_nothing(chat) -> None:
    person = chat("keeper")
    await onboard(person)
    await person.choose("Settings")
    await person.choose("Delete my data")
    await person.choose("No")
    assert "Nothing was deleted." in person.screen
    assert await person.person() is not None
