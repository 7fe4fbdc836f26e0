"""Releases as recorded at each change, and the package that serves them."""

from __future__ import annotations

from handlers.tenders.ocds.package import build_package
from handlers.tenders.ocds.release import iso
from models import Tender
from tests.conftest import make_app
from tests.factories import ELSEWHERE, HOME
from tests.handlers.tenders.ocds.conftest import WINNER_INN, History, make_tender


async def export(app) -> dict:
    async with app.sessions() as session:
        return await build_package(session, "https://kenesh.example.kg/ocds/releases.json")


def by_ocid(package: dict) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for release in package["releases"]:
        found.setdefault(release["ocid"], []).append(release)
    return found


async def test_every_release_of_published_tenders_and_no_draft(app, history: History) -> None:
    package = await export(app)
    assert package["version"] == "1.1" and package["publisher"] == {"name": "Kenesh"}
    assert package["publishedDate"] == package["releases"][-1]["date"]
    async with app.sessions() as session:
        ocids = {i: (await session.get(Tender, i)).ocid for i in history.exported}
        drafts = [await session.get(Tender, i) for i in (history.draft, history.cancelled_draft)]
    assert all(draft.ocid is None for draft in drafts)
    tags = {ocid: [r["tag"] for r in rs] for ocid, rs in by_ocid(package).items()}
    assert tags == {
        ocids[history.published]: [["tender"]],
        ocids[history.updated]: [["tender"], ["tenderUpdate"]],
        ocids[history.extended]: [["tender"], ["tenderUpdate"]],
        ocids[history.cancelled]: [["tender"], ["tenderCancellation"]],
        ocids[history.awarded]: [["tender"], ["award"]],
    }
    assert "Черновик" not in str(package) and "черновик" not in str(package)
    ids = [r["id"] for r in package["releases"]]
    assert len(ids) == len(set(ids))


async def test_release_maps_buyer_value_period_sector_award(app, history: History) -> None:
    releases = by_ocid(await export(app))
    async with app.sessions() as session:
        awarded = await session.get(Tender, history.awarded)
        cancelled = await session.get(Tender, history.cancelled)
    assert awarded.ocid.startswith("ocds-kenesh-")
    last = releases[awarded.ocid][-1]
    buyer = {"id": f"KG-MUN-{HOME}", "name": "айыльный аймак Барпы"}
    assert last["buyer"] == buyer
    party = next(p for p in last["parties"] if p["id"] == buyer["id"])
    assert party["roles"] == ["buyer", "procuringEntity"]
    assert party["identifier"]["id"] == HOME
    tender = last["tender"]
    assert tender["value"] == {"amount": 150000, "currency": "KGS"}
    assert tender["status"] == "complete" and tender["procuringEntity"] == buyer
    assert tender["tenderPeriod"] == {
        "startDate": iso(awarded.published_at),
        "endDate": iso(awarded.deadline),
    }
    assert tender["items"][0]["classification"]["scheme"] == "X-KENESH-SECTOR"
    assert tender["items"][0]["classification"]["id"] == "elderly"
    assert last["language"] == "ky" and last["tag"] == ["award"]
    (award,) = last["awards"]
    assert award["value"] == {"amount": 140000, "currency": "KGS"}
    assert award["suppliers"] == [{"id": f"KG-INN-{WINNER_INN}", "name": "Umut Public Foundation"}]
    assert any(p["roles"] == ["supplier"] for p in last["parties"])

    closing = releases[cancelled.ocid][-1]["tender"]
    assert closing["status"] == "cancelled"
    assert closing["documents"] == [
        {
            "id": "cancellation",
            "documentType": "cancellationDetails",
            "description": "Нет финансирования",
        }
    ]
    assert releases[cancelled.ocid][-1]["buyer"]["id"] == f"KG-MUN-{ELSEWHERE}"


async def test_release_keeps_what_the_tender_was_then(app, history: History) -> None:
    async with app.sessions() as session:
        updated = await session.get(Tender, history.updated)
    first, second = by_ocid(await export(app))[updated.ocid]
    assert first["tender"]["title"] == "Кружки для детей"
    assert first["tender"]["value"]["amount"] == 150000 and "documents" not in first["tender"]
    assert second["tender"]["title"] == "Кружки для детей и подростков"
    assert second["tender"]["value"]["amount"] == 200000.5
    assert second["tender"]["documents"][0]["url"].endswith("kruzhki.pdf")


async def test_the_ocid_prefix_is_the_setting(app, database) -> None:
    prefixed = make_app(database, ocds_prefix="ocds-b5fd17")
    tender = await make_tender(prefixed, HOME, "water", "Колодец")
    assert tender.ocid == f"ocds-b5fd17-{tender.id:06d}"
    assert [r["ocid"] for r in (await export(app))["releases"]] == [tender.ocid]
