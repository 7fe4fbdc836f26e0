"""Importing release packages: our own export, another publisher's, and the ones refused."""

from __future__ import annotations

import copy
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from handlers.tenders.ocds.importer import ImportRefused, import_package
from handlers.tenders.ocds.incoming import parse_time
from handlers.tenders.ocds.package import build_package
from handlers.tenders.ocds.release import iso
from models import Category, Municipality, OutboxMessage, Tender, TenderRelease, TenderStatus
from models.base import utcnow
from tests.factories import HOME
from tests.handlers.tenders.ocds.conftest import (
    History,
    alerts,
    count_rows,
    create_subscriber,
    release_tags,
)


async def export(app) -> dict:
    async with app.sessions() as session:
        return await build_package(session, "https://kenesh.example.kg/ocds/releases.json")


async def run_import(app, package: dict):
    async with app.sessions() as session, session.begin():
        return await import_package(session, package, app.settings)


async def tenders_by_ocid(app) -> dict[str, Tender]:
    async with app.sessions() as session:
        rows = await session.scalars(select(Tender).where(Tender.ocid.is_not(None)))
        return {tender.ocid: tender for tender in rows.all()}


async def test_our_own_export_imported_again_changes_nothing(app, history: History) -> None:
    package = await export(app)
    releases, outbox = await count_rows(app, TenderRelease), await count_rows(app, OutboxMessage)
    summary = await run_import(app, package)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 5)
    assert str(summary) == "created 0, updated 0, unchanged 5"
    assert await count_rows(app, TenderRelease) == releases
    assert await count_rows(app, OutboxMessage) == outbox
    assert await export(app) == package


async def test_changes_to_known_ocids_go_through_the_service(app, history: History) -> None:
    reader = await create_subscriber(app, "ngo-water", HOME, "water")
    package = copy.deepcopy(await export(app))
    ours = await tenders_by_ocid(app)
    by_id = {tender.id: ocid for ocid, tender in ours.items()}
    latest = {r["ocid"]: r for r in package["releases"]}  # the export is in date order
    published = latest[by_id[history.published]]
    published["tender"]["title"] = "Водопровод для села Барпы (второй этап)"
    published["tender"]["tenderPeriod"]["endDate"] = iso(utcnow() + timedelta(days=30))
    extended = latest[by_id[history.extended]]
    extended["tender"]["status"] = "cancelled"
    extended["tender"]["documents"] = [
        {"id": "c", "documentType": "cancellationDetails", "description": "Бюджет урезан"}
    ]

    summary = await run_import(app, package)

    assert (summary.created, summary.updated, summary.unchanged) == (0, 2, 3)
    assert await release_tags(app, history.published) == ["tender", "tenderUpdate", "tenderUpdate"]
    assert await release_tags(app, history.extended) == [
        "tender",
        "tenderUpdate",
        "tenderCancellation",
    ]
    now = await tenders_by_ocid(app)
    changed = now[by_id[history.published]]
    assert changed.title.endswith("(второй этап)") and changed.status == TenderStatus.active
    assert changed.deadline > ours[by_id[history.published]].deadline + timedelta(days=15)
    cancelled = now[by_id[history.extended]]
    assert cancelled.status == TenderStatus.cancelled
    assert cancelled.cancel_reason == "Бюджет урезан"
    assert await alerts(app, reader) == ["tender_updated", "tender_extended"]


def another_publisher(*releases: dict) -> dict:
    return {
        "uri": "https://zakupki.example.kg/ocds/2026-11.json",
        "version": "1.1",
        "publishedDate": "2026-11-20T09:00:00+06:00",
        "publisher": {"name": "Another publisher"},
        "releases": list(releases),
    }


def foreign_release(
    ocid: str,
    buyer: dict,
    *,
    title: str = "Социальные услуги",
    date: str = "2026-11-01T10:00:00+06:00",
    days: int = 20,
    classification: dict | None = None,
    status: str = "active",
    **more: object,
) -> dict:
    """A release as another Kyrgyz publisher might write it: no Kenesh schemes, local times."""
    tender = {
        "id": f"{ocid}-t",
        "title": title,
        "status": status,
        "value": {"amount": 250000.75, "currency": "KGS"},
        "tenderPeriod": {"endDate": iso(utcnow() + timedelta(days=days))},
        "items": [
            {"id": "1", "classification": classification or {"scheme": "CPV", "id": "85000000"}}
        ],
    }
    parties = [{**buyer, "roles": ["buyer"]}] if "id" in buyer else []
    release = {
        "ocid": ocid,
        "id": f"{ocid}-1",
        "date": date,
        "tag": ["tender"],
        "initiationType": "tender",
        "tender": tender,
        "parties": parties,
    }
    if "id" in buyer:
        release["buyer"] = {"id": buyer["id"], "name": buyer.get("name", "")}
    else:
        release["parties"] = [{"id": "p1", **buyer, "roles": ["buyer"]}]
    release.update(more)
    return release


async def test_another_publishers_package_is_matched_and_published(app) -> None:
    reader = await create_subscriber(app, "ngo-water-2", HOME, "water")
    package = another_publisher(
        # buyer by name in Kyrgyz, other case, hyphens and spaces; sector by its Russian name
        foreign_release(
            "ocds-zzz-1",
            {"id": "GOV-17", "name": "БАРПЫ АЙЫЛ-АЙМАГЫ"},
            classification={"scheme": "X-LOCAL", "id": "7", "description": "водоснабжение"},
        ),
        # buyer by our code in its identifier; a CPV-only item lands in "other"
        foreign_release(
            "ocds-zzz-2",
            {
                "id": "GOV-18",
                "name": "Pokrovka",
                "identifier": {"scheme": "X", "id": "tl-manas-pokrovka"},
            },
        ),
        # a buyer only as the party with the buyer role, by its English name; already cancelled
        foreign_release(
            "ocds-zzz-3", {"name": "Kara-Alma ayil aimak"}, status="cancelled", days=-3
        ),
        # still in planning: skipped
        foreign_release("ocds-zzz-4", {"id": "B", "name": "Barpy ayil aimak"}, status="planning"),
        # two releases: the later award names a winner Kenesh does not know
        foreign_release("ocds-zzz-5", {"id": "B", "name": "Barpy ayil aimak"}, days=-1),
        {
            "ocid": "ocds-zzz-5",
            "id": "ocds-zzz-5-2",
            "date": "2026-11-02T10:00:00+06:00",
            "tag": ["award"],
            "initiationType": "tender",
            "awards": [
                {
                    "id": "a1",
                    "status": "active",
                    "value": {"amount": 240000, "currency": "KGS"},
                    "suppliers": [{"id": "S1", "name": "Elsewhere Ltd"}],
                }
            ],
        },
    )
    summary = await run_import(app, package)
    assert str(summary) == "created 4, updated 0, unchanged 0, skipped 1 (still in planning)"
    assert summary.notes == [
        "ocds-zzz-5: the winner 'Elsewhere Ltd' is not an approved NGO here; "
        "the award is kept without one"
    ]
    found = await tenders_by_ocid(app)
    assert sorted(found) == ["ocds-zzz-1", "ocds-zzz-2", "ocds-zzz-3", "ocds-zzz-5"]
    async with app.sessions() as session:
        place = {t: (await session.get(Municipality, found[t].municipality_id)).code for t in found}
        sector = {t: (await session.get(Category, found[t].category_id)).code for t in found}
    assert place == {
        "ocds-zzz-1": HOME,
        "ocds-zzz-2": "TL-MANAS-POKROVKA",
        "ocds-zzz-3": "JA-SUZAK-KARAALMA",
        "ocds-zzz-5": HOME,
    }
    assert sector == {t: "other" for t in found} | {"ocds-zzz-1": "water"}
    first = found["ocds-zzz-1"]
    assert first.status == TenderStatus.active and first.source == "import"
    assert first.budget == Decimal("250000.75") and first.description == first.title
    assert found["ocds-zzz-3"].status == TenderStatus.cancelled
    awarded = found["ocds-zzz-5"]
    assert awarded.status == TenderStatus.awarded and awarded.awarded_organization_id is None
    assert awarded.award_amount == Decimal("240000")
    assert awarded.published_at == parse_time("2026-11-01T04:00:00Z")
    # only the open tender is news; closed ones are recorded, not announced
    assert await alerts(app, reader) == ["tender_published"]
    assert await release_tags(app, awarded.id) == ["award"]
    assert await release_tags(app, found["ocds-zzz-3"].id) == ["tenderCancellation"]


async def refused(app, package: dict) -> list[str]:
    before = await count_rows(app, Tender), await count_rows(app, TenderRelease)
    with pytest.raises(ImportRefused) as caught:
        await run_import(app, package)
    assert (await count_rows(app, Tender), await count_rows(app, TenderRelease)) == before
    return caught.value.errors


async def test_an_unknown_buyer_refuses_the_whole_package(app) -> None:
    errors = await refused(
        app,
        another_publisher(
            foreign_release("ocds-zzz-1", {"id": "B", "name": "Barpy ayil aimak"}),
            foreign_release("ocds-zzz-2", {"id": "GOV-9", "name": "Мэрия города Атлантида"}),
        ),
    )
    assert errors == [
        "ocds-zzz-2: buyer 'Мэрия города Атлантида' (id GOV-9) is not a known municipality: "
        "give its code (as identifier.id or party id KG-MUN-<code>) or its name in ky, ru, en or uz"
    ]


async def test_an_ambiguous_buyer_refuses_the_whole_package(app) -> None:
    # three ayil aimaks are called Aral: in Tüp (Issyk-Kul), Nooken (Jalal-Abad) and Talas
    errors = await refused(
        app,
        another_publisher(
            foreign_release("ocds-zzz-1", {"id": "B", "name": "Barpy ayil aimak"}),
            foreign_release("ocds-zzz-2", {"id": "GOV-9", "name": "aral AYIL aimak"}),
        ),
    )
    assert errors == [
        "ocds-zzz-2: buyer 'aral AYIL aimak' (id GOV-9) is ambiguous: it matches several "
        "municipalities (IK-TUP-ARAL, JA-NOOKEN-ARAL, TL-TALAS-ARAL); give its code as "
        "identifier.id"
    ]
    # the code settles it
    summary = await run_import(
        app,
        another_publisher(
            foreign_release("ocds-zzz-2", {"id": "KG-MUN-TL-TALAS-ARAL", "name": "aral AYIL aimak"})
        ),
    )
    assert summary.created == 1


async def test_an_invalid_package_is_refused_with_the_schema_errors(app) -> None:
    release = foreign_release("ocds-zzz-1", {"id": "B", "name": "Barpy ayil aimak"})
    release["tender"]["value"]["currency"] = "SOM"
    errors = await refused(app, another_publisher(release))
    assert errors[0].startswith(
        "the package is not valid OCDS 1.1: /releases/0/tender/value/currency"
    )


async def test_what_kenesh_cannot_store_is_refused(app, history: History) -> None:
    package = copy.deepcopy(await export(app))
    latest = {r["ocid"]: r for r in package["releases"]}
    ours = {t.id: ocid for ocid, t in (await tenders_by_ocid(app)).items()}
    earlier = latest[ours[history.published]]["tender"]
    earlier["tenderPeriod"]["endDate"] = iso(utcnow() + timedelta(days=2))
    latest[ours[history.cancelled]]["tender"]["status"] = "active"
    dollars = foreign_release("ocds-zzz-1", {"id": "B", "name": "Barpy ayil aimak"})
    dollars["tender"]["value"]["currency"] = "USD"
    untitled = foreign_release("ocds-zzz-2", {"id": "B", "name": "Barpy ayil aimak"})
    del untitled["tender"]["title"]
    package["releases"] += [dollars, untitled]
    errors = await refused(app, package)
    assert len(errors) == 4
    assert "ocds-zzz-1: tender.value: currency 'USD', Kenesh takes KGS" in errors
    assert "ocds-zzz-2: tender.title is missing" in errors
    assert f"{ours[history.cancelled]}: it is cancelled here and active in the package" in errors
    assert any(
        e.startswith(f"{ours[history.published]}: the package moves the deadline from")
        and e.endswith("Kenesh only extends deadlines")
        for e in errors
    )
