"""One OCDS 1.1 release for a tender, as it stands at the moment of a change.

Releases are built when something happens (published, updated, cancelled, awarded) and stored
(`tender_releases`), so the export shows the history as it was, not today's state repainted.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Category, Municipality, Organization, Tender, TenderRelease, TenderStatus
from models.base import utcnow

SECTOR_SCHEME = "X-KENESH-SECTOR"  # item classification: our need categories (an open codelist)
TENDER_STATUS = {
    TenderStatus.draft: "planning",
    TenderStatus.active: "active",
    TenderStatus.awarded: "complete",
    TenderStatus.cancelled: "cancelled",
}


def iso(moment: datetime) -> str:
    """RFC 3339 with an explicit zone, as OCDS dates must be."""
    return moment.isoformat(timespec="seconds").replace("+00:00", "Z")


def buyer_party_id(municipality: Municipality) -> str:
    return f"KG-MUN-{municipality.code}"


def supplier_party_id(organization: Organization) -> str:
    return f"KG-INN-{organization.inn}"


def _amount(value: Decimal) -> float | int:
    return int(value) if value == value.to_integral_value() else float(value)


def build_release(
    tender: Tender,
    *,
    municipality: Municipality,
    category: Category,
    organization: Organization | None,
    tag: str,
    release_id: str,
    date: datetime,
) -> dict[str, Any]:
    """The release of `tender` tagged `tag` (tender, tenderUpdate, tenderCancellation, award)."""
    buyer = {"id": buyer_party_id(municipality), "name": municipality.name_ru}
    parties: list[dict[str, Any]] = [
        {
            **buyer,
            "identifier": {"scheme": "X-KENESH-MUNICIPALITY", "id": municipality.code},
            "additionalIdentifiers": [
                {"scheme": "X-KENESH-NAME-KY", "legalName": municipality.name_ky}
            ],
            "address": {"countryName": "Kyrgyzstan"},
            "roles": ["buyer", "procuringEntity"],
        }
    ]
    value = {"amount": _amount(tender.budget), "currency": tender.currency}
    section: dict[str, Any] = {
        "id": f"{tender.ocid}-tender",
        "title": tender.title,
        "description": tender.description,
        "status": TENDER_STATUS[tender.status],
        "value": value,
        "procurementMethod": "open",
        "mainProcurementCategory": "services",
        "submissionMethod": ["written"],
        "submissionMethodDetails": tender.how_to_apply,
        "tenderPeriod": {"endDate": iso(tender.deadline)},
        "procuringEntity": buyer,
        "items": [
            {
                "id": "1",
                "description": category.name_en,
                "classification": {
                    "scheme": SECTOR_SCHEME,
                    "id": category.code,
                    "description": category.name_en,
                },
            }
        ],
    }
    if tender.published_at is not None:
        section["tenderPeriod"]["startDate"] = iso(tender.published_at)
    if tender.document_url:
        section["documents"] = [
            {"id": "1", "documentType": "tenderNotice", "url": tender.document_url}
        ]
    release: dict[str, Any] = {
        "ocid": tender.ocid,
        "id": release_id,
        "date": iso(date),
        "tag": [tag],
        "initiationType": "tender",
        "language": tender.language,
        "parties": parties,
        "buyer": buyer,
        "tender": section,
    }
    if organization is not None and tender.status == TenderStatus.awarded:
        supplier = {"id": supplier_party_id(organization), "name": organization.name}
        parties.append(
            {
                **supplier,
                "identifier": {"scheme": "KG-INN", "id": organization.inn},
                "roles": ["supplier"],
            }
        )
        amount = tender.award_amount if tender.award_amount is not None else tender.budget
        release["awards"] = [
            {
                "id": f"{tender.ocid}-award-1",
                "status": "active",
                "date": iso(tender.awarded_at or date),
                "value": {"amount": _amount(amount), "currency": tender.currency},
                "suppliers": [supplier],
            }
        ]
    return release


async def record_release(session: AsyncSession, tender: Tender, tag: str) -> TenderRelease:
    """Store the release of `tender` as it is now (its ocid must be set)."""
    if tender.ocid is None:
        raise ValueError("a tender gets its ocid when it is published")
    count = await session.scalar(
        select(func.count()).select_from(TenderRelease).where(TenderRelease.tender_id == tender.id)
    )
    now = utcnow()
    release_id = f"{tender.ocid}-{(count or 0) + 1:03d}"
    data = build_release(
        tender,
        municipality=await session.get(Municipality, tender.municipality_id),
        category=await session.get(Category, tender.category_id),
        organization=(
            await session.get(Organization, tender.awarded_organization_id)
            if tender.awarded_organization_id
            else None
        ),
        tag=tag,
        release_id=release_id,
        date=now,
    )
    release = TenderRelease(
        tender_id=tender.id, release_id=release_id, tag=tag, date=now, data=data
    )
    session.add(release)
    await session.flush()
    return release
