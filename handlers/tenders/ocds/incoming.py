"""Reading an imported release package: the latest release of each ocid, as the tender Kenesh
would store — buyer, sector and winner matched to ours, amounts and dates checked."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.settings import LANGUAGES
from handlers.tenders.ocds.matching import Places, Sectors, buyer_names, supplier_inn
from handlers.tenders.tenders import MAX_BUDGET
from models import Category, Municipality, TenderStatus

CURRENCY = "KGS"  # alerts speak of som; a tender in another currency would read wrong
MAX_OCID = 120  # tenders.ocid
MAX_TITLE = 300  # tenders.title
MAX_URL = 500  # tenders.document_url
# sections a later release may leave out when it only tells what changed (an award notice, say)
SECTIONS = ("buyer", "parties", "tender", "awards")
CLOSED = {"cancelled": TenderStatus.cancelled, "unsuccessful": TenderStatus.cancelled}
CLOSED |= {"withdrawn": TenderStatus.cancelled, "complete": TenderStatus.awarded}
PLANNING = ("planning", "planned")


class ReleaseError(ValueError):
    """A release Kenesh cannot turn into a tender; the message says what is missing."""


def parse_time(text: str) -> datetime:
    """An RFC 3339 date-time (the schema checked the form) as an aware UTC datetime."""
    return datetime.fromisoformat(text.strip().upper()).astimezone(UTC)


@dataclass
class Latest:
    """The newest release of one ocid (sections it lacks taken from the newest release that
    has them), and when the ocid was first released."""

    release: dict[str, Any]
    first_date: datetime


def latest_releases(releases: list[dict[str, Any]]) -> dict[str, Latest]:
    """Per ocid, the release with the latest date; equal dates go to the later in the package."""
    by_ocid: dict[str, list[tuple[datetime, int, dict[str, Any]]]] = defaultdict(list)
    for position, release in enumerate(releases):
        by_ocid[release["ocid"]].append((parse_time(release["date"]), position, release))
    latest = {}
    for ocid, entries in by_ocid.items():
        entries.sort(key=lambda entry: entry[:2])
        newest = dict(entries[-1][2])
        for section in SECTIONS:
            if section not in newest:
                earlier = (r for _, _, r in reversed(entries) if section in r)
                found = next(earlier, None)
                if found is not None:
                    newest[section] = found[section]
        latest[ocid] = Latest(newest, entries[0][0])
    return latest


@dataclass
class Incoming:
    """One tender as the package tells it, matched to our municipality, sector and NGO."""

    ocid: str
    municipality: Municipality
    category: Category
    title: str
    description: str
    budget: Decimal
    currency: str
    deadline: datetime
    published_at: datetime
    how_to_apply: str
    document_url: str | None
    language: str
    status: TenderStatus | None  # None: still in planning, not imported
    cancel_reason: str | None = None
    award_amount: Decimal | None = None
    awarded_at: datetime | None = None
    supplier_inn: str | None = None
    supplier_name: str | None = None


def _amount(value: Any, what: str) -> Decimal:
    if not isinstance(value, dict) or value.get("amount") is None:
        raise ReleaseError(f"{what}: no amount")
    if value.get("currency") != CURRENCY:
        raise ReleaseError(f"{what}: currency {value.get('currency')!r}, Kenesh takes {CURRENCY}")
    try:
        amount = Decimal(str(value["amount"]))
    except InvalidOperation:
        raise ReleaseError(f"{what}: {value['amount']!r} is not an amount") from None
    if not 0 < amount <= MAX_BUDGET or amount != amount.quantize(Decimal("0.01")):
        raise ReleaseError(f"{what}: {amount} is not a positive amount in som and tyiyn")
    return amount


def _how_to_apply(tender: dict[str, Any], release: dict[str, Any], url: str | None) -> str:
    """submissionMethodDetails; else the buyer's contact point; else the notice's address."""
    details = tender.get("submissionMethodDetails")
    if isinstance(details, str) and details.strip():
        return details.strip()
    buyer_id = (release.get("buyer") or {}).get("id")
    for party in release.get("parties") or []:
        if party.get("id") == buyer_id and isinstance(party.get("contactPoint"), dict):
            contact = party["contactPoint"]
            keys = ("name", "email", "telephone", "url")
            parts = [str(contact[k]) for k in keys if contact.get(k)]
            if parts:
                return ", ".join(parts)
    return url or ""


def _documents(tender: dict[str, Any]) -> tuple[str | None, str | None]:
    """(notice URL, cancellation reason) from the tender's documents."""
    documents = [d for d in tender.get("documents") or [] if isinstance(d, dict)]
    with_url = [d for d in documents if d.get("url")]
    notices = [d for d in with_url if d.get("documentType") == "tenderNotice"] or with_url
    url = notices[0]["url"] if notices else None
    if url and len(url) > MAX_URL:
        url = None
    reasons = [
        d.get("description") or d.get("title")
        for d in documents
        if d.get("documentType") == "cancellationDetails"
    ]
    return url, next((r for r in reasons if r), None)


def _status(tender: dict[str, Any], awards: list[dict[str, Any]]) -> TenderStatus | None:
    """Cancelled (or unsuccessful, withdrawn) wins; then an active award; planning is skipped."""
    status = tender.get("status")
    if CLOSED.get(status) == TenderStatus.cancelled:
        return TenderStatus.cancelled
    if awards or status == "complete":
        return TenderStatus.awarded
    if status in PLANNING:
        return None
    return TenderStatus.active


def read_release(
    latest: Latest, places: Places, sectors: Sectors, default_language: str
) -> Incoming:
    """The tender of one ocid; ReleaseError (or MatchError) says why it cannot be one."""
    release = latest.release
    ocid = release["ocid"]
    if len(ocid) > MAX_OCID:
        raise ReleaseError(f"the ocid is longer than {MAX_OCID} characters")
    tender = release.get("tender")
    if not isinstance(tender, dict):
        raise ReleaseError("no tender section in its releases")
    title = tender.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ReleaseError("tender.title is missing")
    end = (tender.get("tenderPeriod") or {}).get("endDate")
    if not end:
        raise ReleaseError("tender.tenderPeriod.endDate (the deadline) is missing")
    start = (tender.get("tenderPeriod") or {}).get("startDate")
    awards = [
        award
        for award in release.get("awards") or []
        if isinstance(award, dict) and award.get("status") in (None, "active")
    ]
    url, reason = _documents(tender)
    language = str(release.get("language") or "")[:2].lower()
    incoming = Incoming(
        ocid=ocid,
        municipality=places.match(buyer_names(release)),
        category=sectors.match(tender.get("items") or []),
        title=title.strip()[:MAX_TITLE],
        description=(tender.get("description") or "").strip() or title.strip(),
        budget=_amount(tender.get("value"), "tender.value"),
        currency=CURRENCY,
        deadline=parse_time(end),
        published_at=parse_time(start) if start else latest.first_date,
        how_to_apply=_how_to_apply(tender, release, url),
        document_url=url,
        language=language if language in LANGUAGES else default_language,
        status=_status(tender, awards),
        cancel_reason=reason,
    )
    if incoming.status == TenderStatus.awarded and awards:
        award = awards[0]
        if award.get("value") is not None:
            incoming.award_amount = _amount(award["value"], "awards.value")
        if award.get("date"):
            incoming.awarded_at = parse_time(award["date"])
        parties = release.get("parties") or []
        incoming.supplier_inn, incoming.supplier_name = supplier_inn(award, parties)
    return incoming
