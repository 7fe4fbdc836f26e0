"""The register: every oblast with its rayons, the file's optional columns, an idempotent seed,
and `kenesh municipalities list` for the operator looking for a code."""

from __future__ import annotations

import csv

from sqlalchemy import func, select

from bot.reference import MUNICIPALITIES_CSV, seed_municipalities
from models import Municipality
from tests.processes import kenesh

RAYONS = {
    "BT": {"Batken", "Kadamjai", "Leilek"},
    "JA": {
        "Aksy",
        "Ala-Buka",
        "Bazar-Korgon",
        "Nooken",
        "Suzak",
        "Toguz-Toro",
        "Toktogul",
        "Chatkal",
    },
    "IK": {"Ak-Suu", "Jeti-Oguz", "Issyk-Kul", "Ton", "Tup"},
    "NR": {"Ak-Talaa", "At-Bashy", "Jumgal", "Kochkor", "Naryn"},
    "OS": {"Alai", "Aravan", "Kara-Kulja", "Kara-Suu", "Nookat", "Uzgen", "Chon-Alai"},
    "TL": {"Bakai-Ata", "Kara-Buura", "Manas", "Talas"},
    "CH": {"Alamudun", "Jaiyl", "Kemin", "Moskva", "Panfilov", "Sokuluk", "Chuy", "Ysyk-Ata"},
}
CITIES = {  # cities of republican and oblast significance
    None: {"Bishkek", "Osh"},
    "BT": {"Batken", "Kyzyl-Kiya", "Sulukta"},
    "JA": {"Jalal-Abad", "Kara-Kul", "Mailuu-Suu", "Tash-Kumyr"},
    "IK": {"Karakol", "Balykchy"},
    "NR": {"Naryn"},
    "TL": {"Talas"},
    "CH": {"Tokmok"},
}


async def test_every_oblast_is_there_with_its_rayons_and_cities(app) -> None:
    async with app.sessions() as session:
        every = (await session.scalars(select(Municipality))).all()
    by_id = {u.id: u for u in every}
    oblasts = {u.code: u for u in every if u.kind == "oblast"}
    assert set(oblasts) == set(RAYONS)
    for code, oblast in oblasts.items():
        under = [u for u in every if u.parent_id == oblast.id]
        rayons = {u.name_en.removesuffix(" District") for u in under if u.kind == "rayon"}
        assert rayons == RAYONS[code], code
        cities = {u.name_en.removesuffix(" city") for u in under if u.kind == "city"}
        assert cities == CITIES.get(code, set()), code
    top = {
        u.name_en.removesuffix(" city") for u in every if u.parent_id is None and u.kind == "city"
    }
    assert top == CITIES[None]
    # every rayon of every oblast has somewhere to live in it, or the "not listed" way on
    assert all(by_id[u.parent_id].kind in ("oblast", "rayon", "city") for u in every if u.parent_id)


def test_the_file_marks_what_was_checked_and_names_every_row_in_four_languages() -> None:
    with MUNICIPALITIES_CSV.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {"variants", "successor", "lsg_name", "inn", "lat", "lon", "checked"} <= set(rows[0])
    assert all(r["name_ky"] and r["name_ru"] and r["name_en"] and r["name_uz"] for r in rows)
    official = [
        r["code"] for r in rows if r["checked"] and not r["checked"].startswith("unofficial")
    ]
    assert set(official) == {"BISHKEK", "OSH", *RAYONS}  # the ISO 3166-2:KG subdivisions
    assert sum(r["checked"].startswith("unofficial: ") for r in rows) > 250  # Wikipedia, news
    codes = [r["code"] for r in rows]
    assert len(codes) == len(set(codes))


async def test_seeding_twice_changes_nothing(app) -> None:
    async with app.sessions() as session, session.begin():
        before = await session.scalar(select(func.count(Municipality.id)))
        report = await seed_municipalities(session)
        after = await session.scalar(select(func.count(Municipality.id)))
    assert (report.added, report.updated, report.merged) == (0, 0, 0)
    assert before == after


async def test_the_operator_finds_a_code_by_oblast_or_by_name(cli_env) -> None:
    listed = kenesh(cli_env, "municipalities", "list", "--oblast", "IK")
    assert listed.returncode == 0, listed.stderr
    assert "IK-KARAKOL\tcity\tKarakol city (Issyk-Kul Region)" in listed.stdout
    assert "JA-" not in listed.stdout
    found = kenesh(cli_env, "municipalities", "list", "--search", "Каракол")
    assert found.stdout.splitlines() == ["IK-KARAKOL\tcity\tKarakol city (Issyk-Kul Region)"]
    merged = kenesh(cli_env, "municipalities", "list", "--search", "Oruktu")
    assert "JA-ALABUKA-ALABUKA\tayil_aimak" in merged.stdout  # an old name: its successor
    wrong = kenesh(cli_env, "municipalities", "list", "--oblast", "XX")
    assert wrong.returncode == 2 and "no municipality has the code 'XX'" in wrong.stderr
