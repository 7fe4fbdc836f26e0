"""The workspace's list of tenders: filtered by status, sector, municipality (admins) and
typed text or number, newest first, a page at a time — staff only ever their own municipality's,
whatever the address asks for."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.needs.inbox import scope_of
from models import Person, Tender, TenderStatus

PAGE_SIZE = 50


@dataclass(frozen=True)
class TenderFilter:
    """What the list shows: nothing set is every tender in scope."""

    status: TenderStatus | None = None
    category_id: int | None = None
    municipality_id: int | None = None  # admins only; staff get their own
    search: str = ""
    page: int = 1


def parse_tender_reference(text: str) -> int | None:
    """The tender id in a typed number: 'T-000012', 't 12', 'Т-12' (Cyrillic)."""
    cleaned = text.strip().upper().replace("Т", "T")
    if not cleaned.startswith("T"):
        return None
    digits = cleaned[1:].lstrip(" -")
    return int(digits) if digits.isdecimal() and digits.isascii() and len(digits) <= 9 else None


def _query(staff: Person, wanted: TenderFilter) -> Select:
    query = select(Tender)
    municipality = scope_of(staff, wanted.municipality_id)
    if municipality is not None:
        query = query.where(Tender.municipality_id == municipality)
    if wanted.status is not None:
        query = query.where(Tender.status == wanted.status)
    if wanted.category_id is not None:
        query = query.where(Tender.category_id == wanted.category_id)
    text = wanted.search.strip()
    if text:
        plain = text.replace("\\", "").replace("%", "").replace("_", " ")
        pattern = func.lower(f"%{plain}%")
        matches = [
            func.lower(Tender.title).like(pattern),
            func.lower(Tender.description).like(pattern),
        ]
        reference = parse_tender_reference(text)
        if reference is not None:
            matches.append(Tender.id == reference)
        query = query.where(or_(*matches))
    return query


async def find_tenders(
    session: AsyncSession, staff: Person, wanted: TenderFilter
) -> tuple[list[Tender], int]:
    """One page of the tenders in scope that match, and how many match in all."""
    query = _query(staff, wanted)
    total = await session.scalar(select(func.count()).select_from(query.subquery())) or 0
    page = query.order_by(Tender.id.desc()).offset((wanted.page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return list((await session.scalars(page)).all()), total
