"""`kenesh tenders import`: tenders from an OCDS release package, ours or another publisher's.

Everything is checked before anything is written: the schema, then every ocid's latest release
(buyer, sector, amounts), then how it meets the tender we already have. One problem refuses the
whole package (ImportRefused, with every problem found). Only then are the changes made, through
the tender service, so each one is recorded as a release and announced to the subscribers, all
in the caller's transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.settings import Settings
from handlers.tenders.ocds.incoming import Incoming, ReleaseError, latest_releases, read_release
from handlers.tenders.ocds.matching import MatchError, Places, Sectors, organizations_by_inn
from handlers.tenders.ocds.release import record_release
from handlers.tenders.ocds.validate import validate_package
from handlers.tenders.tenders import (
    EDITABLE,
    Draft,
    TenderError,
    award,
    cancel,
    create_tender,
    extend_deadline,
    publish,
    update,
)
from models import Organization, OrganizationStatus, Tender, TenderStatus
from models.base import utcnow

# the release recorded for a tender that arrives already closed (or past its deadline)
FIRST_TAG = {
    TenderStatus.active: "tender",
    TenderStatus.cancelled: "tenderCancellation",
    TenderStatus.awarded: "award",
}


class ImportRefused(Exception):
    """The package was not imported; `errors` says every reason found."""

    def __init__(self, errors: list[str]) -> None:
        super().__init__("; ".join(errors))
        self.errors = errors


@dataclass
class ImportSummary:
    """What an import did, for the operator."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0  # still in planning: not a tender NGOs can bid for yet
    notes: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"created {self.created}, updated {self.updated}, unchanged {self.unchanged}"
        return text + (f", skipped {self.skipped} (still in planning)" if self.skipped else "")


@dataclass
class Step:
    """What to do for one ocid."""

    incoming: Incoming
    tender: Tender | None = None  # ours, when the ocid is known
    changes: dict[str, Any] = field(default_factory=dict)  # details to edit
    extend: bool = False  # a later deadline
    close: bool = False  # cancel or award
    winner: Organization | None = None


def _same_second(a: Any, b: Any) -> bool:
    """Deadlines as OCDS carries them: to the second."""
    return a.replace(microsecond=0) == b.replace(microsecond=0)


def _plan_existing(step: Step) -> str | None:
    """Fill in the changes to an existing tender; an error message when they cannot be made."""
    tender, incoming = step.tender, step.incoming
    assert tender is not None
    if tender.municipality_id != incoming.municipality.id:
        return "the buyer differs from the tender's municipality here; Kenesh cannot move it"
    if tender.status in (TenderStatus.cancelled, TenderStatus.awarded):
        if incoming.status != tender.status:
            return f"it is {tender.status} here and {incoming.status} in the package"
        return None  # closed tenders are frozen: nothing to do
    if tender.status == TenderStatus.draft:
        return "it is an unpublished draft here"
    wanted = {
        "title": incoming.title,
        "description": incoming.description,
        "budget": incoming.budget,
        "how_to_apply": incoming.how_to_apply,
        "document_url": incoming.document_url,
        "category_id": incoming.category.id,
    }
    step.changes = {
        key: value for key in EDITABLE if (value := wanted[key]) != getattr(tender, key)
    }
    step.close = incoming.status != TenderStatus.active
    if not step.close and not _same_second(tender.deadline, incoming.deadline):
        if incoming.deadline < tender.deadline or incoming.deadline <= utcnow():
            return (
                f"the package moves the deadline from {tender.deadline:%Y-%m-%d %H:%M} to "
                f"{incoming.deadline:%Y-%m-%d %H:%M} UTC; Kenesh only extends deadlines"
            )
        step.extend = True
    return None


async def plan_import(
    session: AsyncSession, data: Any, settings: Settings
) -> tuple[list[Step], ImportSummary]:
    """Every step the package asks for, checked; ImportRefused lists all that cannot be done."""
    errors = validate_package(data)
    if errors:
        raise ImportRefused(["the package is not valid OCDS 1.1: " + errors[0], *errors[1:]])
    places, sectors = await Places.load(session), await Sectors.load(session)
    incoming: list[Incoming] = []
    for ocid, latest in latest_releases(data["releases"]).items():
        try:
            incoming.append(read_release(latest, places, sectors, settings.default_language))
        except (ReleaseError, MatchError) as error:
            errors.append(f"{ocid}: {error}")
    known = await session.scalars(select(Tender).where(Tender.ocid.in_([i.ocid for i in incoming])))
    ours = {tender.ocid: tender for tender in known.all()}
    winners = await organizations_by_inn(
        session, {i.supplier_inn for i in incoming if i.supplier_inn}
    )
    summary, steps = ImportSummary(), []
    for item in incoming:
        if item.status is None:
            summary.skipped += 1
            continue
        step = Step(item, ours.get(item.ocid))
        if step.tender is not None and (problem := _plan_existing(step)):
            errors.append(f"{item.ocid}: {problem}")
        winner = winners.get(item.supplier_inn or "")
        if winner is not None and winner.status == OrganizationStatus.approved:
            step.winner = winner
        elif item.status == TenderStatus.awarded and (step.tender is None or step.close):
            summary.notes.append(
                f"{item.ocid}: the winner {item.supplier_name or '(not named)'!r} is not an "
                "approved NGO here; the award is kept without one"
            )
        steps.append(step)
    if errors:
        raise ImportRefused(errors)
    return steps, summary


async def import_package(session: AsyncSession, data: Any, settings: Settings) -> ImportSummary:
    """Import a release package inside the caller's transaction. On ImportRefused nothing has
    been written; the caller rolls back on any other error, so nothing is half-imported."""
    steps, summary = await plan_import(session, data, settings)
    for step in steps:
        try:
            if step.tender is None:
                await _create(session, step, settings)
                summary.created += 1
            elif step.changes or step.extend or step.close:
                await _update(session, step, settings)
                summary.updated += 1
            else:
                summary.unchanged += 1
        except TenderError as error:  # checked above; a race, or a rule the plan missed
            raise ImportRefused([f"{step.incoming.ocid}: {error}"]) from error
    return summary


async def _create(session: AsyncSession, step: Step, settings: Settings) -> None:
    """A new ocid. An open tender is published (subscribers hear of it); one that is already
    closed, or past its deadline, is recorded as history, without alerts."""
    incoming = step.incoming
    draft = Draft(
        municipality_id=incoming.municipality.id,
        category_id=incoming.category.id,
        title=incoming.title,
        description=incoming.description,
        budget=incoming.budget,
        deadline=incoming.deadline,
        how_to_apply=incoming.how_to_apply,
        document_url=incoming.document_url,
        language=incoming.language,
        currency=incoming.currency,
    )
    if incoming.status == TenderStatus.active and incoming.deadline > utcnow():
        tender = await create_tender(session, None, draft, source="import")
        tender.ocid = incoming.ocid
        await publish(session, None, tender, settings)
        return
    tender = Tender(
        **vars(draft),
        ocid=incoming.ocid,
        status=incoming.status,
        published_at=incoming.published_at,
        source="import",
    )
    if incoming.status == TenderStatus.cancelled:
        tender.cancel_reason = (incoming.cancel_reason or "")[:500] or None
    if incoming.status == TenderStatus.awarded:
        tender.awarded_organization_id = step.winner.id if step.winner else None
        tender.award_amount = incoming.award_amount
        tender.awarded_at = incoming.awarded_at or incoming.published_at
    session.add(tender)
    await session.flush()
    await record_release(session, tender, FIRST_TAG[incoming.status])
    await audit.record(session, None, "import_tender", "ok", f"tender={tender.id} closed")


async def _update(session: AsyncSession, step: Step, settings: Settings) -> None:
    """Known ocid: edit, extend, then cancel or award — each a release and an alert."""
    tender, incoming = step.tender, step.incoming
    assert tender is not None
    if step.changes:
        await update(session, None, tender, step.changes, zone=settings.timezone)
    if step.extend:
        await extend_deadline(session, None, tender, incoming.deadline, zone=settings.timezone)
    if not step.close:
        return
    if incoming.status == TenderStatus.cancelled:
        await cancel(session, None, tender, incoming.cancel_reason or "", zone=settings.timezone)
    else:  # a winner Kenesh does not know stays unnamed
        await award(
            session, None, tender, step.winner, incoming.award_amount, zone=settings.timezone
        )
