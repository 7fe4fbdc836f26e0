"""Tenders: drafting, publishing, changing, cancelling and awarding — each change scoped to the
staff of the tender's municipality (admins: any), recorded as an OCDS release, and announced to
the subscribed NGOs (handlers.tenders.alerts)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.settings import Settings
from handlers.tenders.alerts import Change, announce, schedule_reminders
from handlers.tenders.ocds.release import record_release
from models import (
    Organization,
    OrganizationStatus,
    Person,
    Role,
    Subscription,
    Tender,
    TenderStatus,
    organization_municipalities,
)
from models.base import utcnow

EDITABLE = ("title", "description", "budget", "how_to_apply", "document_url", "category_id")
MAX_BUDGET = Decimal("999999999999.99")


class TenderError(ValueError):
    """A change that cannot be made; the message says why, for the person who asked."""


CURRENCY = re.compile(r"\s*(сом|som|kgs|с)\.?\s*$", re.IGNORECASE)
GROUPING = str.maketrans("", "", " \u00a0\u202f'")


def parse_budget(text: str) -> Decimal:
    """ "150 000", "150000.50", "150 000,50 сом", "150,000" → Decimal; positive, two decimals
    at most. Anything else (a minus, words, "about 150 thousand") is refused, never guessed."""
    number = CURRENCY.sub("", text.strip()).translate(GROUPING)
    if not re.fullmatch(r"\d[\d.,]*", number):
        raise TenderError("budget")
    marks = [i for i, ch in enumerate(number) if ch in ".,"]
    decimal = None
    if marks:
        last = marks[-1]
        kinds = {number[i] for i in marks}
        # the last mark separates cents when the other kind groups thousands ("150.000,50"),
        # or when it is the only mark and fewer than three digits follow ("150,5")
        if len(kinds) == 2 or (len(marks) == 1 and len(number) - last - 1 < 3):
            decimal = last
    whole = number[:decimal] if decimal is not None else number
    cents = number[decimal + 1 :] if decimal is not None else ""
    groups = re.split(r"[.,]", whole)
    grouped = len(groups) > 1
    if grouped and (len(groups[0]) > 3 or groups[0].startswith("0")):
        raise TenderError("budget")  # "1234,567" or "0.001" are not thousands
    if any(len(g) != 3 for g in groups[1:]):
        raise TenderError("budget")
    try:
        amount = Decimal("".join(groups) + (f".{cents}" if cents else ""))
    except InvalidOperation:
        raise TenderError("budget") from None
    if amount <= 0 or amount > MAX_BUDGET or amount != amount.quantize(Decimal("0.01")):
        raise TenderError("budget")
    return amount


async def _check_scope(
    session: AsyncSession, person: Person | None, tender: Tender, action: str
) -> None:
    """`person` None is an operator (command line, import): anything goes."""
    if person is None or person.may_manage(tender.municipality_id):
        return
    await audit.record(session, person.id, action, "refused", f"tender={tender.id}")
    raise PermissionDenied(action, f"tender={tender.id}")


async def tender_for_staff(session: AsyncSession, person: Person, tender_id: int) -> Tender:
    """A tender the person may manage (drafts included); refused and audited otherwise."""
    tender = await session.get(Tender, tender_id)
    if tender is None:
        raise TenderError("not_found")
    await _check_scope(session, person, tender, "open_tender")
    return tender


async def tenders_for_staff(session: AsyncSession, person: Person, limit: int = 50) -> list[Tender]:
    """The tenders of the person's municipality (admins: all), newest first."""
    query = select(Tender).order_by(Tender.id.desc()).limit(limit)
    if person.role != Role.admin:
        if person.staff_municipality_id is None:
            return []
        query = query.where(Tender.municipality_id == person.staff_municipality_id)
    return list((await session.scalars(query)).all())


async def open_tenders_for(session: AsyncSession, person: Person) -> list[Tender]:
    """The published tenders still open (deadline ahead) that match the person's subscriptions
    which are not paused, soonest deadline first; none unless their NGO is approved."""
    matching = (
        select(Subscription.id)
        .join(Person, Person.id == Subscription.person_id)
        .join(Organization, Organization.id == Person.organization_id)
        .where(
            Subscription.person_id == person.id,
            Subscription.paused.is_(False),
            Subscription.municipality_id == Tender.municipality_id,
            Subscription.category_id == Tender.category_id,
            Organization.status == OrganizationStatus.approved,
        )
    )
    query = (
        select(Tender)
        .where(
            Tender.status == TenderStatus.active,
            Tender.deadline > utcnow(),
            matching.exists(),
        )
        .order_by(Tender.deadline, Tender.id)
    )
    return list((await session.scalars(query)).all())


async def award_candidates(session: AsyncSession, tender: Tender) -> list[Organization]:
    """The approved NGOs that work in the tender's municipality, by name."""
    table = organization_municipalities
    query = (
        select(Organization)
        .join(table, table.c.organization_id == Organization.id)
        .where(
            table.c.municipality_id == tender.municipality_id,
            Organization.status == OrganizationStatus.approved,
        )
        .order_by(Organization.name, Organization.id)
    )
    return list((await session.scalars(query)).all())


async def _free_ocid(session: AsyncSession, prefix: str, tender_id: int) -> str:
    """`prefix-000012`, or with a suffix when an imported tender already holds that ocid."""
    base = candidate = f"{prefix}-{tender_id:06d}"
    suffix = 1
    while await session.scalar(select(Tender.id).where(Tender.ocid == candidate)):
        suffix += 1
        candidate = f"{base}-{suffix}"
    return candidate


@dataclass
class Draft:
    """What a tender needs before it can be published."""

    municipality_id: int
    category_id: int
    title: str
    description: str
    budget: Decimal
    deadline: datetime
    how_to_apply: str
    document_url: str | None = None
    language: str = "ky"
    currency: str = "KGS"


async def create_tender(
    session: AsyncSession, author: Person | None, draft: Draft, *, source: str = "bot"
) -> Tender:
    """A draft tender of the author's municipality (checked)."""
    tender = Tender(
        municipality_id=draft.municipality_id,
        category_id=draft.category_id,
        title=draft.title.strip(),
        description=draft.description.strip(),
        budget=draft.budget,
        currency=draft.currency,
        deadline=draft.deadline,
        how_to_apply=draft.how_to_apply.strip(),
        document_url=draft.document_url,
        language=draft.language,
        status=TenderStatus.draft,
        created_by_id=author.id if author else None,
        source=source,
    )
    await _check_scope(session, author, tender, "create_tender")
    if draft.deadline <= utcnow():
        raise TenderError("deadline_passed")
    session.add(tender)
    await session.flush()
    return tender


async def publish(
    session: AsyncSession, author: Person | None, tender: Tender, settings: Settings
) -> int:
    """Draft → active: an ocid, the first release, reminders, alerts. The number alerted."""
    await _check_scope(session, author, tender, "publish_tender")
    if tender.status != TenderStatus.draft:
        raise TenderError("not_draft")
    if tender.deadline <= utcnow():
        raise TenderError("deadline_passed")
    tender.status = TenderStatus.active
    tender.published_at = utcnow()
    tender.ocid = tender.ocid or await _free_ocid(session, settings.ocds_prefix, tender.id)
    await session.flush()
    await record_release(session, tender, "tender")
    await schedule_reminders(session, tender, settings.reminder_days)
    await audit.record(
        session, author.id if author else None, "publish_tender", "ok", f"tender={tender.id}"
    )
    return await announce(session, tender, Change.published, zone=settings.timezone)


async def update(
    session: AsyncSession,
    author: Person | None,
    tender: Tender,
    changes: dict[str, Any],
    *,
    zone: str,
) -> int:
    """Edit the details of a tender; a published one gets a tenderUpdate and its subscribers
    are told. The number alerted."""
    await _check_scope(session, author, tender, "edit_tender")
    if tender.status in (TenderStatus.cancelled, TenderStatus.awarded):
        raise TenderError("closed")
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise TenderError(f"not editable: {', '.join(sorted(unknown))}")
    changed = {key: value for key, value in changes.items() if getattr(tender, key) != value}
    if not changed:
        return 0
    for key, value in changed.items():
        setattr(tender, key, value)
    await session.flush()
    if tender.status == TenderStatus.draft:
        return 0
    await record_release(session, tender, "tenderUpdate")
    return await announce(session, tender, Change.updated, zone=zone)


async def extend_deadline(
    session: AsyncSession, author: Person | None, tender: Tender, deadline: datetime, *, zone: str
) -> int:
    """A later deadline: reminders follow it, subscribers are told. The number alerted.
    A draft's deadline may move anywhere in the future: nobody has seen it yet."""
    await _check_scope(session, author, tender, "extend_tender")
    if tender.status == TenderStatus.draft:
        if deadline <= utcnow():
            raise TenderError("deadline_passed")
        tender.deadline = deadline
        await session.flush()
        return 0
    if tender.status != TenderStatus.active:
        raise TenderError("not_active")
    if deadline <= max(tender.deadline, utcnow()):
        raise TenderError("not_later")
    tender.deadline = deadline
    await session.flush()
    await record_release(session, tender, "tenderUpdate")
    await schedule_reminders(session, tender, None)
    return await announce(session, tender, Change.extended, zone=zone)


async def cancel(
    session: AsyncSession, author: Person | None, tender: Tender, reason: str, *, zone: str
) -> int:
    """Stop a tender (its reminders too); subscribers are told why. The number alerted."""
    await _check_scope(session, author, tender, "cancel_tender")
    if tender.status in (TenderStatus.cancelled, TenderStatus.awarded):
        raise TenderError("closed")
    was_draft = tender.status == TenderStatus.draft
    tender.status = TenderStatus.cancelled
    tender.cancel_reason = reason.strip()[:500]
    await session.flush()
    await schedule_reminders(session, tender, None)
    if was_draft:
        return 0
    await record_release(session, tender, "tenderCancellation")
    return await announce(session, tender, Change.cancelled, zone=zone)


async def award(
    session: AsyncSession,
    author: Person | None,
    tender: Tender,
    organization: Organization | None,
    amount: Decimal | None = None,
    *,
    zone: str,
) -> int:
    """The tender goes to an approved NGO; subscribers (and so the winner's members, if they
    follow it) are told. The number alerted. Only an operator (an import of another
    publisher's award) may award to an NGO Kenesh does not know (`organization` None)."""
    await _check_scope(session, author, tender, "award_tender")
    if tender.status != TenderStatus.active:
        raise TenderError("not_active")
    if organization is None and author is not None:
        raise TenderError("organization_required")
    if organization is not None and organization.status != OrganizationStatus.approved:
        raise TenderError("organization_not_approved")
    tender.status = TenderStatus.awarded
    tender.awarded_organization_id = organization.id if organization else None
    tender.award_amount = amount
    tender.awarded_at = utcnow()
    await session.flush()
    await schedule_reminders(session, tender, None)
    await record_release(session, tender, "award")
    winner = f"organization={organization.id}" if organization else "winner unknown"
    await audit.record(
        session, author.id if author else None, "award_tender", "ok", f"tender={tender.id} {winner}"
    )
    return await announce(session, tender, Change.awarded, zone=zone)
