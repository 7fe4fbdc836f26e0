"""The register file as a whole: every rayon has somewhere to live in it, each row has its own code
and a parent above it, every source is named, reform merges go to a standing unit, and two units a
person could both mean by one typed name are never shown with the same confirmation."""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict

from sqlalchemy import select

from bot.conversation.folding import fold
from bot.reference import MUNICIPALITIES_CSV
from handlers.places.names import core
from handlers.places.search import current, label
from models import Municipality

LANGUAGES = ("ky", "ru", "en", "uz")
LEAVES = ("city", "ayil_aimak")


def _rows() -> list[dict[str, str]]:
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_codes_are_unique_and_every_parent_and_successor_comes_first() -> None:
    rows = _rows()
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))
    seen: dict[str, dict[str, str]] = {}
    for row in rows:
        if row["parent_code"]:
            assert row["parent_code"] in seen, f"{row['code']}: parent not above it"
            assert seen[row["parent_code"]]["kind"] in ("oblast", "rayon", "city"), row["code"]
        seen[row["code"]] = row
    by_code = {r["code"]: r for r in rows}
    for row in rows:
        if row["successor"]:
            successor = by_code[row["successor"]]  # a unit of the file
            assert successor["kind"] == row["kind"], row["code"]
            assert not successor["successor"], f"{row['code']} goes to a merged unit"
            assert successor["parent_code"] == row["parent_code"], row["code"]


def test_every_rayon_has_a_municipality_people_can_belong_to() -> None:
    rows = _rows()
    standing = {r["parent_code"] for r in rows if r["kind"] in LEAVES and not r["successor"]}
    rayons = [r["code"] for r in rows if r["kind"] == "rayon"]
    assert len(rayons) == 40
    assert [code for code in rayons if code not in standing] == []


def test_every_row_names_its_source_and_wikipedia_or_news_is_marked_unofficial() -> None:
    rows = _rows()
    for row in rows:
        source = row["checked"]
        assert len(source) <= 200, row["code"]  # the column's width
        if source and source != "ISO 3166-2:KG":
            assert source.startswith("unofficial: http"), row["code"]
    merged = [r for r in rows if r["successor"] and r["code"].startswith("IK-")]
    assert merged and all("open.kg" in r["checked"] for r in merged)  # the 2024 merges' source


async def test_no_two_units_a_typed_name_finds_are_confirmed_alike(app) -> None:
    """The bot confirms "X ayil aimak (Y District, Z Region)": two standing units that fold to one
    name (their own, a variant, or a merged unit's that leads to them) must read differently in
    every language, or a person could not tell which one they are agreeing to."""
    async with app.sessions() as session:
        every = list((await session.scalars(select(Municipality))).all())
    by_id = {u.id: u for u in every}
    meant: dict[str, set[int]] = defaultdict(set)
    for unit in every:
        if unit.kind not in LEAVES:
            continue
        standing = current(unit, by_id)
        for name in unit.all_names():
            if key := fold(core(name)):
                meant[key].add(standing.id)
    homonyms = 0
    for key, ids in meant.items():
        if len(ids) < 2:
            continue
        homonyms += 1
        for language in LANGUAGES:
            shown = [label(by_id[i], by_id, language) for i in ids]
            for left, right in itertools.combinations(shown, 2):
                assert left != right, f"{key!r}: {left!r} twice ({language})"
    assert homonyms > 10  # Kara-Suu, Kyzyl-Tuu, Aral, Kok-Jar, Sary-Bulak … are real homonyms


async def test_the_2024_merges_of_jeti_oguz_lead_to_the_five_units_that_stand(app) -> None:
    async with app.sessions() as session:
        every = list((await session.scalars(select(Municipality))).all())
    by_id = {u.id: u for u in every}
    by_code = {u.code: u for u in every}
    standing = {
        u.code
        for u in every
        if u.parent_id == by_code["IK-JETIOGUZ"].id and u.is_current and u.kind == "ayil_aimak"
    }
    assert standing == {
        f"IK-JETIOGUZ-{name}"
        for name in ("JETIOGUZ", "ORGOCHOR", "KYZYLSUU", "JARGYLCHAK", "BARSKOON")
    }
    assert current(by_code["IK-JETIOGUZ-TAMGA"], by_id).code == "IK-JETIOGUZ-BARSKOON"
    assert current(by_code["IK-JETIOGUZ-DARKHAN"], by_id).code == "IK-JETIOGUZ-JARGYLCHAK"
