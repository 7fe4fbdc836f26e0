"""`kenesh tenders export | validate | import` as an operator runs them: the real command
against a test database and a fresh one."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from models import Category, Municipality, Tender
from models.db import create_engine, create_sessionmaker
from tests.handlers.tenders.ocds.conftest import History
from tests.processes import kenesh

Row = tuple[str, str, str, str, str, str, str]


async def stored(url: str) -> dict[str, Row]:
    """ocid → (title, budget, deadline to the second, municipality, sector, status)."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = await session.execute(
                select(Tender, Municipality.code, Category.code)
                .join(Municipality, Municipality.id == Tender.municipality_id)
                .join(Category, Category.id == Tender.category_id)
                .where(Tender.ocid.is_not(None))
            )
            return {
                tender.ocid: (
                    tender.title,
                    f"{tender.budget:.2f}",
                    tender.deadline.replace(microsecond=0).isoformat(),
                    place,
                    sector,
                    str(tender.status),
                    tender.description,
                )
                for tender, place, sector in rows.all()
            }
    finally:
        await engine.dispose()


async def test_export_then_import_into_a_fresh_database_gives_the_same_tenders(
    app, database, history: History, cli_env: dict[str, str], tmp_path: Path
) -> None:
    source = {**cli_env, "DATABASE_URL": database.url}
    exported = tmp_path / "releases.json"
    run = kenesh(source, "tenders", "export", "--output", str(exported))
    assert run.returncode == 0, run.stderr
    assert "9 releases written" in run.stderr
    printed = kenesh(source, "tenders", "export")
    assert json.loads(printed.stdout)["releases"] == json.loads(exported.read_text())["releases"]

    checked = kenesh(cli_env, "tenders", "validate", str(exported))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "valid OCDS 1.1.5 release package, 9 releases" in checked.stdout

    first = kenesh(cli_env, "tenders", "import", str(exported))
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().endswith("created 5, updated 0, unchanged 0")
    assert await stored(cli_env["DATABASE_URL"]) == await stored(database.url)

    again = kenesh(cli_env, "tenders", "import", str(exported))
    assert again.stdout.strip().endswith("created 0, updated 0, unchanged 5"), again.stderr
    home = kenesh(source, "tenders", "import", str(exported))
    assert home.stdout.strip() == "created 0, updated 0, unchanged 5", home.stderr
    assert await stored(cli_env["DATABASE_URL"]) == await stored(database.url)


def package_of(*buyers: str) -> dict:
    """A one-release-per-buyer package from another publisher."""
    releases = [
        {
            "ocid": f"ocds-zzz-{n}",
            "id": f"ocds-zzz-{n}-1",
            "date": "2026-11-01T10:00:00Z",
            "tag": ["tender"],
            "initiationType": "tender",
            "buyer": {"id": f"GOV-{n}", "name": name},
            "parties": [{"id": f"GOV-{n}", "name": name, "roles": ["buyer"]}],
            "tender": {
                "id": "t",
                "title": "Уход за пожилыми",
                "value": {"amount": 100000, "currency": "KGS"},
                "tenderPeriod": {"endDate": "2099-01-01T00:00:00Z"},
            },
        }
        for n, name in enumerate(buyers, 1)
    ]
    return {
        "uri": "https://zakupki.example.kg/ocds/1.json",
        "version": "1.1",
        "publishedDate": "2026-11-01T10:00:00Z",
        "publisher": {"name": "Another publisher"},
        "releases": releases,
    }


async def test_refused_imports_exit_non_zero_and_write_nothing(
    cli_env: dict[str, str], tmp_path: Path
) -> None:
    cases = {
        "unknown": (
            package_of("Barpy ayil aimak", "Atlantis city hall"),
            "is not a known municipality",
        ),
        "ambiguous": (
            package_of("Barpy ayil aimak", "Арал айыл аймагы"),
            "JA-NOOKEN-ARAL, TL-TALAS-ARAL",
        ),
        "invalid": (
            {**package_of("Barpy ayil aimak"), "version": "one"},
            "/version: 'one' does not match",
        ),
    }
    for name, (package, reason) in cases.items():
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps(package, ensure_ascii=False), encoding="utf-8")
        run = kenesh(cli_env, "tenders", "import", str(path))
        assert run.returncode == 2, (name, run.stdout, run.stderr)
        assert f"{path} refused, nothing imported" in run.stderr
        assert reason in run.stderr, (name, run.stderr)
        assert "ocds-zzz-1:" not in run.stderr  # the good release is not what is refused
    assert await stored(cli_env["DATABASE_URL"]) == {}
    ok = tmp_path / "ok.json"
    ok.write_text(json.dumps(package_of("BARPY ayil aimak")), encoding="utf-8")
    assert kenesh(cli_env, "tenders", "import", str(ok)).stdout.strip() == (
        "created 1, updated 0, unchanged 0"
    )


def test_validate_prints_the_errors_and_fails(cli_env: dict[str, str], tmp_path: Path) -> None:
    broken = tmp_path / "broken.json"
    package = package_of("Barpy")
    package["releases"][0]["tag"] = ["published"]
    broken.write_text(json.dumps(package), encoding="utf-8")
    run = kenesh(cli_env, "tenders", "validate", str(broken))
    assert run.returncode == 1
    assert run.stdout.startswith("/releases/0/tag/0: 'published' is not one of")
    assert "not valid OCDS 1.1.5 (1 errors)" in run.stderr
    not_json = tmp_path / "not.json"
    not_json.write_text("{", encoding="utf-8")
    run = kenesh(cli_env, "tenders", "validate", str(not_json))
    assert run.returncode == 1 and "not JSON" in run.stderr
