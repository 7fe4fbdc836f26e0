"""What the tenders forms share: reading a typed deadline, budget and link the way the bot
reads them, and a tender's page with its errors next to the fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from urllib.parse import urlsplit

from fastapi.responses import HTMLResponse

from bot.i18n import N_
from bot.times import local_time, parse_local
from bot.web.choices import categories
from bot.web.desk import Desk, PageProblem
from handlers.tenders.alerts import money
from handlers.tenders.flows.tender_steps import REFUSALS, STATUS_NAMES
from handlers.tenders.tenders import TenderError, award_candidates, parse_budget, tender_for_staff
from models import Category, Municipality, Organization, Tender
from models.base import utcnow

BAD_DEADLINE = N_("Write the deadline like 15.01.2027 18:00 (Bishkek time).")
BAD_LINK = N_("This does not look like a web link. Write it like https://example.kg/tender.")


async def tender_in_scope(desk: Desk, tender_id: int) -> Tender:
    """The tender, if the person may manage it: 403 (recorded) for another municipality's."""
    try:
        return await tender_for_staff(desk.session, desk.person, tender_id)
    except TenderError:
        raise PageProblem(
            404,
            N_("There is no such tender"),
            N_("Check the number, or go back to the list of tenders."),
        ) from None


def read_deadline(desk: Desk, text: str, errors: dict[str, str], name: str) -> datetime | None:
    """A deadline typed as 15.01.2027 18:00 (or 2027-01-15 18:00), in the future."""
    try:
        moment = parse_local(text, desk.workspace.settings.timezone)
    except ValueError:
        errors[name] = BAD_DEADLINE
        return None
    if moment <= utcnow():
        errors[name] = REFUSALS["deadline_passed"]
        return None
    return moment


def read_budget(text: str, errors: dict[str, str], name: str) -> Decimal | None:
    """An amount in som ("150 000", "150000.50"), as the bot reads it."""
    try:
        return parse_budget(text)
    except TenderError:
        errors[name] = REFUSALS["budget"]
        return None


def read_link(text: str, errors: dict[str, str], name: str) -> str | None:
    """An http(s) link, or None when left empty."""
    if not text:
        return None
    parts = urlsplit(text)
    if (
        parts.scheme.lower() not in ("http", "https")
        or "." not in parts.netloc
        or " " in text
        or len(text) > 500
    ):
        errors[name] = BAD_LINK
    return text


def check_lengths(typed: dict[str, str], errors: dict[str, str]) -> None:
    """The same bounds as the bot's questions (handlers.tenders.flows.tender_new)."""
    bounds = {
        "title": (5, 300, N_("Write a short title of at least 5 characters.")),
        "description": (20, 3000, N_("Describe the service in at least 20 characters.")),
        "how_to_apply": (10, 1000, N_("Write how and where NGOs apply, 10 characters at least.")),
    }
    for name, (shortest, longest, advice) in bounds.items():
        if len(typed[name]) < shortest:
            errors[name] = advice
        elif len(typed[name]) > longest:
            errors[name] = N_("This is too long.")


@dataclass(frozen=True)
class Question:
    """An action asked before it is done: its form (`publish`, `award`), the question's lines
    (translated) and the fields the "Yes" posts again."""

    action: str
    lines: list[str]
    fields: dict[str, str]


async def render_tender(
    desk: Desk,
    tender: Tender,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    question: Question | None = None,
) -> HTMLResponse:
    """A tender's page; after a refused form, its errors next to the fields and what was typed;
    before a publication or an award, the question that confirms it."""
    zone = desk.workspace.settings.timezone
    session = desk.session
    municipality = await session.get(Municipality, tender.municipality_id)
    category = await session.get(Category, tender.category_id)
    winner = (
        await session.get(Organization, tender.awarded_organization_id)
        if tender.awarded_organization_id
        else None
    )
    return desk.render(
        "tenders/tender.html",
        status_code=status_code,
        tender=tender,
        status_name=desk.tr.tp("tender", STATUS_NAMES[tender.status]),
        municipality=municipality.name(desk.language) if municipality else "?",
        category=category.name(desk.language) if category else "?",
        winner=winner,
        candidates=await award_candidates(session, tender),
        categories=await categories(session),
        money=lambda amount: money(amount, desk.tr),
        when=lambda moment: local_time(moment, zone),
        errors=errors or {},
        typed=typed or {},
        question=question,
    )
