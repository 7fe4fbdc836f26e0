"""Choosing one's municipality: the right unit for what was typed, confirmed before it is stored;
homonyms told apart by their rayon; an unknown place leads on at the rayon, never in a loop."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEvent, UnlistedPlace
from tests.factories import municipality


async def start(chat, address: str, language: str = "English"):
    person = chat(address)
    await person.say("hi")
    await person.choose(language)
    return person


async def test_karakol_is_karakol_of_issyk_kul_and_never_kara_kul(app, chat) -> None:
    person = await start(chat, "karakol", "Русский")
    await person.say("Каракол")
    assert "город Каракол (Иссык-Кульская область) — верно?" in person.screen
    assert "Кара-Куль" not in person.screen
    await person.choose("Да")
    await person.choose("Да")  # consent
    stored = await person.person()
    assert stored.municipality_id == (await municipality(app, "IK-KARAKOL")).id


@pytest.mark.parametrize(
    ("typed", "code", "shown"),
    [
        ("Нарын", "NR-NARYNCITY", "Naryn city (Naryn Region)"),
        ("Tokmok", "CH-TOKMOK", "Tokmok city (Chuy Region)"),
        ("Ноокат", "OS-NOOKAT-NOOKAT", "Nookat city (Nookat District, Osh Region)"),
        ("Balykchy", "IK-BALYKCHY", "Balykchy city (Issyk-Kul Region)"),
        ("г. Кызыл-Кия", "BT-KYZYLKIYA", "Kyzyl-Kiya city (Batken Region)"),
        ("Исфана", "BT-LEILEK-RAZZAKOV", "Razzakov city (Leilek District, Batken Region)"),
    ],
)
async def test_towns_people_type_are_found_and_confirmed(
    app, chat, typed: str, code: str, shown: str
) -> None:
    person = await start(chat, f"town-{code}")
    await person.say(typed)
    assert f"{shown} — is that right?" in person.screen
    await person.choose("Yes")
    await person.choose("Yes")
    assert (await person.person()).municipality_id == (await municipality(app, code)).id


@pytest.mark.parametrize(
    ("typed", "rayons"),
    [
        ("Кара-Суу", ["Kara-Suu District", "Aksy District", "Talas District"]),
        ("Aral", ["Nooken District", "Talas District"]),
        ("Кызыл-Туу", ["Aksy District", "Suzak District", "Sokuluk District"]),
    ],
)
async def test_two_units_of_one_name_are_shown_with_their_rayon(
    chat, typed: str, rayons: list[str]
) -> None:
    person = await start(chat, f"homonym-{typed}")
    await person.say(typed)
    assert "is that right?" not in person.screen  # nothing is picked for the person
    for rayon in rayons:
        assert f"({rayon}, " in person.screen, person.screen


async def test_a_pick_from_the_homonyms_is_confirmed_too(app, chat) -> None:
    person = await start(chat, "aral")
    await person.say("Aral")
    await person.choose("Aral ayil aimak (Talas District, Talas Region)")
    assert "Aral ayil aimak (Talas District, Talas Region) — is that right?" in person.screen
    await person.choose("Yes")
    await person.choose("Yes")
    assert (await person.person()).municipality_id == (await municipality(app, "TL-TALAS-ARAL")).id


async def test_a_place_not_in_the_register_goes_on_at_the_rayon_and_admins_learn_it(
    app, chat
) -> None:
    person = await start(chat, "atlantis")
    await person.say("Atlantis")
    assert "Nothing found for “Atlantis”." in person.screen
    assert "My village is not in the list" not in person.screen  # one miss may be a typo
    await person.say("Atlantida")
    assert "Nothing found for “Atlantida” again." in person.screen
    await person.choose("My village is not in the list")
    assert "We will note “Atlantida”. Now choose your region, then your district." in person.screen
    await person.choose("Jalal-Abad Region")
    await person.choose("Suzak District")
    assert (
        "“Atlantida” is not in our list yet: we will tell the administrators. Until it is added, "
        "your municipality is Suzak District (Jalal-Abad Region). Is that right?"
    ) in person.screen
    await person.choose("Yes")
    await person.choose("Yes")  # consent
    assert "Thank you! You can now report needs" in person.screen
    rayon = await municipality(app, "JA-SUZAK")
    assert (await person.person()).municipality_id == rayon.id
    async with app.sessions() as session:
        unlisted = (await session.scalars(select(UnlistedPlace))).one()
        audited = await session.scalar(
            select(AuditEvent).where(AuditEvent.action == "unlisted_place")
        )
    assert (unlisted.text, unlisted.municipality_id) == ("Atlantida", rayon.id)
    assert audited is not None and "Atlantida" not in (audited.detail or "")


async def test_a_village_missing_among_the_ayil_aimaks_is_written_and_kept(app, chat) -> None:
    person = await start(chat, "village")
    await person.choose("Talas Region")
    await person.choose("Manas District")
    await person.choose("My village is not in the list")
    assert "Write the name of your village" in person.screen
    await person.say("Жийде")
    assert "“Жийде” is not in our list yet" in person.screen
    await person.choose("Yes")
    await person.choose("Yes")
    assert (await person.person()).municipality_id == (await municipality(app, "TL-MANAS")).id
    async with app.sessions() as session:
        assert (await session.scalars(select(UnlistedPlace.text))).all() == ["Жийде"]


async def test_a_no_starts_over_and_nothing_is_stored(app, chat) -> None:
    person = await start(chat, "changed-mind")
    await person.say("Barpy")
    await person.choose("No")
    assert "Then write the name again, or choose your region." in person.screen
    state = await person.state()
    assert state.step == "place1" and "place1" not in state.data["answers"]
    await person.say("Pokrovka")
    await person.choose("Yes")
    await person.choose("Yes")
    stored = await person.person()
    assert stored.municipality_id == (await municipality(app, "TL-MANAS-POKROVKA")).id


async def test_an_old_name_leads_to_the_successor(app, chat) -> None:
    person = await start(chat, "baltagulov")
    await person.say("Торогелди Балтагулов")
    assert (
        "Torogeldi Baltagulov ayil aimak is now part of Ala-Buka ayil aimak (Ala-Buka District, "
        "Jalal-Abad Region). Is that your municipality?"
    ) in person.screen
    await person.choose("Yes")
    await person.choose("Yes")
    stored = await person.person()
    assert stored.municipality_id == (await municipality(app, "JA-ALABUKA-ALABUKA")).id


async def test_an_old_name_another_unit_still_bears_offers_both(chat) -> None:
    """Örüktü of Ala-Buka was merged in 2024; Örüktü of Issyk-Kul District stands."""
    person = await start(chat, "oruktu")
    await person.say("Өрүктү")
    assert "is that right?" not in person.screen
    assert "Ala-Buka ayil aimak (Ala-Buka District, Jalal-Abad Region)" in person.screen
    assert "Oruktu ayil aimak (Issyk-Kul District, Issyk-Kul Region)" in person.screen


async def test_merged_units_are_not_offered_in_the_tree(chat) -> None:
    person = await start(chat, "tree")
    await person.choose("Jalal-Abad Region")
    await person.choose("Ala-Buka District")
    assert "Ala-Buka ayil aimak" in person.screen
    assert "Oruktu" not in person.screen and "Baltagulov" not in person.screen


async def test_a_whole_address_is_found_and_a_pasted_message_is_not_said_back(chat) -> None:
    person = await start(chat, "pasted", "Кыргызча")
    await person.say("Барпы айыл аймагы, Сузак району, Жалал-Абад облусу")
    assert "Барпы айыл аймагы (Сузак району, Жалал-Абад облусу)" in person.screen
    other = await start(chat, "pasted-2")
    pasted = "Hello, I want to report that the road in our village " + "is broken " * 500
    await other.say(pasted)
    assert "Nothing found for “Hello, I want to report that the road in our village is…”." in (
        other.screen
    )
    assert "broken" not in other.screen
