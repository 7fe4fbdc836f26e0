"""Operator-aware sizing: a Beeline number gets self-contained numbered single SMS, a MegaCom
number one concatenated message, for the same prompt; choices never cut from their numbers."""

from __future__ import annotations

import phonenumbers
from phonenumbers import carrier

from bot.channels.sms.operators import PREFIXES, operator_of
from bot.channels.sms.parts import split_parts
from bot.channels.sms.segments import count_segments
from handlers.broadcasts.preview import preview
from models import Address, ConsentStatus, Person
from tests.factories import create_home_broadcast, municipality

BRANDS = {"Sky mobile": "beeline", "ALFA Telecom": "megacom", "Nur Telecom": "o"}


def test_the_prefix_table_agrees_with_the_numbering_plan() -> None:
    for code in range(200, 1000):
        number = phonenumbers.parse(f"+996{code}123456")
        if not phonenumbers.is_valid_number(number):
            continue
        brand = BRANDS.get(carrier.name_for_number(number, "en"))
        if brand is not None:  # the three operators that still exist
            assert PREFIXES.get(str(code)) == brand, code
    assert operator_of("+996700123456") == "o" and operator_of("+79990001234") == "other"


def test_a_long_question_is_cut_at_lines_and_its_choices_stay_whole() -> None:
    question = "Какая проблема? Выберите категорию, к которой относится ваше обращение."
    options = [f"{i} {name}" for i, name in enumerate(
        ["Водоснабжение", "Дороги и освещение", "Школы и детсады", "Здоровье",
         "Мусор и санитария", "Социальная помощь"], 1)]  # fmt: skip
    parts = split_parts("\n".join([question, *options]))
    assert len(parts) > 1
    for i, part in enumerate(parts, 1):
        assert part.startswith(f"({i}/{len(parts)}) ")
        assert count_segments(part).count == 1
    lines = [line for part in parts for line in part.split(" ", 1)[1].split("\n")]
    for option in options:
        assert option in lines  # each choice whole, with its number, in one SMS


def test_words_are_never_cut() -> None:
    text = " ".join(["Жыйын"] * 60)
    parts = split_parts(text)
    assert all(word == "Жыйын" for part in parts for word in part.split(" ")[1:])


async def test_the_broadcast_preview_counts_beeline_parts_and_megacom_segments(app) -> None:
    place = await municipality(app, "JA-SUZAK-BARPY")
    text = " ".join(["Жыйын бейшемби күнү саат ондо айыл өкмөттө болот."] * 3)  # UCS-2, long
    async with app.sessions() as session, session.begin():
        for number in ("+996770000001", "+996770000002", "+996555000003"):
            person = Person(language="ky", municipality_id=place.id, consent=ConsentStatus.given)
            session.add(person)
            await session.flush()
            session.add(Address(person_id=person.id, channel="sms", value=number))
        broadcast = await create_home_broadcast(session, place.id, text)
        seen = await preview(session, broadcast, split_operators=frozenset({"beeline"}))
    parts, segments = len(split_parts(text)), count_segments(text).count
    assert seen.sms_by_operator == {"beeline": 2 * parts, "megacom": segments}
    assert seen.sms_segments == 2 * parts + segments
