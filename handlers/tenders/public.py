"""The tenders section of a municipality's public page: the tenders open now (deadline,
budget, how to apply, documents) for NGOs, and the past ones with their outcome (the NGO that
won and the amount, or why it was cancelled) for everyone, each with its OCDS releases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.formats import format_time
from bot.phones import mask_phones
from bot.web.public.pages import PublicPages, Section
from bot.web.public.visit import Visit
from handlers.tenders.alerts import money
from handlers.tenders.ocds.package import release_path
from models import Category, Municipality, Organization, Tender, TenderStatus
from models.base import utcnow

TEMPLATES = Path(__file__).resolve().parent / "templates" / "public"
PAST = 10  # past tenders shown, newest first


async def public_tenders(visit: Visit, unit: Municipality) -> tuple[list[Tender], list[Tender]]:
    """The municipality's published tenders: (open now, soonest deadline first; past, newest
    first). Drafts are its staff's alone."""
    now = utcnow()
    published = select(Tender).where(
        Tender.municipality_id == unit.id, Tender.published_at.is_not(None)
    )
    open_now = await visit.session.scalars(
        published.where(Tender.status == TenderStatus.active, Tender.deadline > now).order_by(
            Tender.deadline, Tender.id
        )
    )
    past = await visit.session.scalars(
        published.where((Tender.status != TenderStatus.active) | (Tender.deadline <= now))
        .order_by(Tender.deadline.desc(), Tender.id.desc())
        .limit(PAST)
    )
    return list(open_now.all()), list(past.all())


async def _tenders(visit: Visit, unit: Municipality) -> dict[str, Any] | None:
    open_now, past = await public_tenders(visit, unit)
    if not open_now and not past:
        return None
    session = visit.session
    categories = {c.id: c for c in (await session.scalars(select(Category))).all()}
    winners = {
        o.id: o.name
        for o in await session.scalars(
            select(Organization).where(
                Organization.id.in_({t.awarded_organization_id for t in past} - {None})
            )
        )
    }
    zone = visit.site.settings.timezone
    lang = visit.language

    def shown(tender: Tender) -> dict[str, Any]:
        category = categories.get(tender.category_id)
        return {
            "reference": tender.reference,
            "title": tender.title,
            "description": mask_phones(tender.description),
            "sector": category.name(lang) if category else "?",
            "budget": money(tender.budget, visit.tr),
            "deadline": format_time(tender.deadline, zone, lang),
            "how": mask_phones(tender.how_to_apply),
            "document": tender.document_url,
            "status": tender.status.value,
            "winner": winners.get(tender.awarded_organization_id or 0),
            "amount": money(tender.award_amount, visit.tr) if tender.award_amount else None,
            "cancel_reason": mask_phones(tender.cancel_reason),
            "ocds": release_path(tender.ocid) if tender.ocid else None,
        }

    return {"open": [shown(t) for t in open_now], "past": [shown(t) for t in past]}


PUBLIC = PublicPages(
    "tenders",
    templates=TEMPLATES,
    sections=(Section("municipality", 30, "tenders/tenders.html", _tenders),),
)
