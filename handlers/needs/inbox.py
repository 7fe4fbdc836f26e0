"""The staff inbox of needs: filtered, searched, sorted and paged in the database, within the
reader's scope (staff: their municipality; admins: one or all), and its CSV export."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import translator
from bot.phones import mask_phones
from bot.times import local_time
from handlers.needs.needs import STATUS_NAMES, support_count
from models import Category, Municipality, Need, NeedStatus, Person, Role
from models.need import parse_reference

SORTS = ("created", "updated", "supports", "status", "category")
PAGE_SIZE = 50
EXPORT_LIMIT = 100_000


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows: every field optional; `municipality_id` counts for admins only."""

    statuses: tuple[NeedStatus, ...] = ()
    category_id: int | None = None
    municipality_id: int | None = None
    since: date | None = None
    until: date | None = None
    min_supports: int | None = None
    search: str = ""
    sort: str = "created"
    descending: bool = True
    page: int = 1


@dataclass(frozen=True)
class InboxRow:
    """One need as the inbox lists it."""

    need: Need
    supports: int
    category: Category
    municipality: Municipality


def scope_of(staff: Person, wanted: int | None) -> int | None:
    """The municipality the reader may list: staff their own whatever they ask; admins the
    one they chose, or all (None)."""
    if staff.role == Role.admin:
        return wanted
    return staff.staff_municipality_id if staff.staff_municipality_id is not None else -1


def _query(staff: Person, wanted: InboxFilter, zone: str) -> Select:
    supports = support_count().label("supports")
    query = (
        select(Need, supports, Category, Municipality)
        .join(Category, Category.id == Need.category_id)
        .join(Municipality, Municipality.id == Need.municipality_id)
    )
    if not staff.is_staff:
        return query.where(Need.id == -1)
    municipality = scope_of(staff, wanted.municipality_id)
    if municipality is not None:
        query = query.where(Need.municipality_id == municipality)
    if wanted.statuses:
        query = query.where(Need.status.in_(wanted.statuses))
    if wanted.category_id is not None:
        query = query.where(Need.category_id == wanted.category_id)
    tz = ZoneInfo(zone)
    if wanted.since is not None:
        query = query.where(Need.created_at >= datetime.combine(wanted.since, time(), tz))
    if wanted.until is not None:
        end = datetime.combine(wanted.until + timedelta(days=1), time(), tz)
        query = query.where(Need.created_at < end)
    if wanted.min_supports is not None:
        query = query.where(support_count() >= wanted.min_supports)
    text = wanted.search.strip()
    if text:
        reference = parse_reference(text)
        plain = text.replace("\\", "").replace("%", "").replace("_", " ")
        pattern = f"%{plain}%"
        matches = [
            func.lower(Need.description).like(func.lower(pattern)),
            func.lower(Need.place).like(func.lower(pattern)),
        ]
        if reference is not None:
            matches.append(Need.id == reference)
        query = query.where(or_(*matches))
    order = {
        "created": Need.created_at,
        "updated": Need.updated_at,
        "supports": supports,
        "status": Need.status,
        "category": Category.code,
    }[wanted.sort if wanted.sort in SORTS else "created"]
    first = order.desc() if wanted.descending else order.asc()
    return query.order_by(first, Need.id.desc() if wanted.descending else Need.id.asc())


async def inbox(
    session: AsyncSession, staff: Person, wanted: InboxFilter, zone: str
) -> tuple[list[InboxRow], int]:
    """One page of the needs `staff` may see that match, and how many match in all."""
    query = _query(staff, wanted, zone)
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    page = max(1, wanted.page)
    rows = await session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE))
    return [InboxRow(*row) for row in rows.all()], total or 0


async def export_rows(
    session: AsyncSession, staff: Person, wanted: InboxFilter, zone: str
) -> Sequence[InboxRow]:
    """Every matching need (up to EXPORT_LIMIT), for the CSV."""
    rows = await session.execute(_query(staff, wanted, zone).limit(EXPORT_LIMIT))
    return [InboxRow(*row) for row in rows.all()]


COLUMNS = (
    "reference",
    "created",
    "updated",
    "municipality",
    "category",
    "status",
    "supports",
    "description",
    "place",
    "latitude",
    "longitude",
    "staff_comment",
)


def needs_csv(rows: Sequence[InboxRow], language: str, zone: str) -> str:
    """The needs as CSV (UTF-8 with a BOM, so spreadsheet programs read Cyrillic right). The
    text is what the public may read (moderated, phone numbers masked): a file travels."""
    tr = translator(language)
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        need = row.need
        writer.writerow(
            [
                need.reference,
                local_time(need.created_at, zone),
                local_time(need.updated_at, zone),
                row.municipality.name(language),
                row.category.name(language),
                tr.t(STATUS_NAMES[need.status]),
                row.supports,
                _cell(mask_phones(need.public_description) or ""),
                _cell(mask_phones(need.place) or ""),
                "" if need.latitude is None else f"{need.latitude:.6f}",
                "" if need.longitude is None else f"{need.longitude:.6f}",
                _cell(mask_phones(need.staff_comment) or ""),
            ]
        )
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
