"""The needs section of a municipality's public page: its top priorities — the open needs most
supported, as moderated (hidden ones are not listed, phone numbers masked), with category,
status, how long open and the latest word from the municipality, each linking to its page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.phones import mask_phones
from bot.web.public.pages import PublicPages, Section
from bot.web.public.visit import Visit
from handlers.needs.needs import STATUS_NAMES, priorities
from models import Category, Municipality
from models.base import utcnow

TEMPLATES = Path(__file__).resolve().parent / "templates" / "public"
TOP = 10  # priorities shown; the rest are a need's own page away


def need_path(reference: str) -> str:
    """A need's public page (the need domain's `/n/N-000123`)."""
    return f"/n/{reference}"


async def _priorities(visit: Visit, unit: Municipality) -> dict[str, Any]:
    rows = await priorities(visit.session, unit.id, TOP, listed_only=True)
    categories = {c.id: c for c in (await visit.session.scalars(select(Category))).all()}
    now = utcnow()
    lang = visit.language
    needs = []
    for need, supports in rows:
        category = categories.get(need.category_id)
        needs.append(
            {
                "reference": need.reference,
                "href": need_path(need.reference),
                "text": mask_phones(need.public_description) or "",
                "category": category.name(lang) if category else "?",
                "status": need.status.value,
                "status_name": visit.t(STATUS_NAMES[need.status]),
                "days": max(0, (now - need.created_at).days),
                "supports": supports,
                "comment": mask_phones(need.staff_comment),
            }
        )
    return {"needs": needs}


PUBLIC = PublicPages(
    "needs",
    templates=TEMPLATES,
    sections=(Section("municipality", 10, "needs/priorities.html", _priorities),),
)
