"""One OCDS 1.1 release for a tender, as it stands at the moment of a change.

Releases are built when something happens (published, updated, cancelled, awarded) and stored
(`tender_releases`), so the export shows the history as it was, not today's state repainted.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Category, Municipality, Organization, Tender, TenderRelease, TenderStatus
from models.base import utcnow

SECTOR_SCHEME = "X-KENESH-SECTOR"  # item classification: our need categories (an open codelist)
MUNICIPALITY_SCHEME = "X-KENESH-MUNICIPALITY"  # buyer identifier: our municipality codes
INN_SCHEME = "KG-INN"  # supplier identifier: the NGO's Kyrgyz tax number
BUYER_PREFIX = "KG-MUN-"  # buyer party id = prefix + municipality code
SUPPLIER_PREFIX = "KG-INN-"  # supplier party id = prefix + INN
TENDER_STATUS = {
    TenderStatus.draft: "planning",
    TenderStatus.active: "active",
    TenderStatus.awarded: "complete",
    TenderStatus.cancelled: "cancelled",
}


def iso(moment: datetime) -> str:
    """RFC 3339 in UTC, to the second, as OCDS dates must be (with an explicit zone)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def buyer_party_id(municipality: Municipality) -> str:
    """The party id of a municipality as buyer, for example KG-MUN-JA-SUZAK-BARPY."""
    return f"{BUYER_PREFIX}{municipality.code}"


def supplier_party_id(organization: Organization) -> str:
    """The party id of an NGO as supplier, by its INN."""
    return f"{SUPPLIER_PREFIX}{organization.inn}"


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
            "identifier": {
                "scheme": MUNICIPALITY_SCHEME,
                "id": municipality.code,
                "legalName": municipality.name_ru,
            },
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
                "description": category.name(tender.language),
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
    documents = []
    if tender.document_url:
        documents.append({"id": "1", "documentType": "tenderNotice", "url": tender.document_url})
    if tender.status == TenderStatus.cancelled and tender.cancel_reason:
        # OCDS 1.1 has no tender.statusDetails; the reason is the cancellation's document
        documents.append(
            {
                "id": "cancellation",
                "documentType": "cancellationDetails",
                "description": tender.cancel_reason,
            }
        )
    if documents:
        section["documents"] = documents
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
    if tender.status == TenderStatus.awarded:
        release["awards"] = [_award(tender, organization, parties, date)]
    return release


def _award(
    tender: Tender,
    organization: Organization | None,
    parties: list[dict[str, Any]],
    date: datetime,
) -> dict[str, Any]:
    """The award, with the winning NGO as supplier (and party) when it is known here: an
    imported award may name an organization Kenesh does not have."""
    amount = tender.award_amount if tender.award_amount is not None else tender.budget
    award: dict[str, Any] = {
        "id": f"{tender.ocid}-award-1",
        "status": "active",
        "date": iso(tender.awarded_at or date),
        "value": {"amount": _amount(amount), "currency": tender.currency},
    }
    if organization is not None:
        supplier = {"id": supplier_party_id(organization), "name": organization.name}
        parties.append(
            {
                **supplier,
                "identifier": {
                    "scheme": INN_SCHEME,
                    "id": organization.inn,
                    "legalName": organization.name,
                },
                "roles": ["supplier"],
            }
        )
        award["suppliers"] = [supplier]
    return award


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
