"""Needs by category and status over a period, with the supports they gathered.

A need counts in the period it was reported in, under the status it has now. Its supports are
all it has, whenever given. Every figure is a GROUP BY in the database: a year of needs costs
three small result sets, not a row per need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.periods import Period, bucket_index
from models import Category, Need, NeedStatus, NeedSupport


@dataclass
class CategoryNeeds:
    """One category's needs: how many in each status, and their supports."""

    category_id: int
    name: str
    by_status: dict[NeedStatus, int] = field(default_factory=dict)
    supports: int = 0

    @property
    def total(self) -> int:
        """Needs of this category in the period, whatever their status."""
        return sum(self.by_status.values())


@dataclass
class NeedsReport:
    """The needs of one municipality (None: all) reported in `period`."""

    period: Period
    municipality_id: int | None
    categories: list[CategoryNeeds]
    timeline: list[tuple[str, int]]  # (bucket label, needs reported in it), every bucket

    @property
    def total(self) -> int:
        """Needs reported in the period."""
        return sum(row.total for row in self.categories)

    @property
    def supports(self) -> int:
        """Supports of those needs."""
        return sum(row.supports for row in self.categories)

    def status_total(self, status: NeedStatus) -> int:
        """Needs of the period now in `status`."""
        return sum(row.by_status.get(status, 0) for row in self.categories)


def _filters(period: Period, municipality_id: int | None) -> list[ColumnElement[bool]]:
    start, end = period.bounds()
    where = [Need.created_at >= start, Need.created_at < end]
    if municipality_id is not None:
        where.append(Need.municipality_id == municipality_id)
    return where


async def needs_report(
    session: AsyncSession, period: Period, municipality_id: int | None, language: str
) -> NeedsReport:
    """The figures; category names in `language`. The caller has checked the scope."""
    where = _filters(period, municipality_id)
    counts = await session.execute(
        select(Need.category_id, Need.status, func.count(Need.id))
        .where(*where)
        .group_by(Need.category_id, Need.status)
    )
    supports = await session.execute(
        select(Need.category_id, func.count(NeedSupport.id))
        .join(NeedSupport, NeedSupport.need_id == Need.id)
        .where(*where)
        .group_by(Need.category_id)
    )
    names = {c.id: c for c in (await session.scalars(select(Category))).all()}
    rows: dict[int, CategoryNeeds] = {}
    for category_id, status, n in counts.all():
        category = names.get(category_id)
        row = rows.setdefault(
            category_id,
            CategoryNeeds(category_id, category.name(language) if category else "?"),
        )
        row.by_status[NeedStatus(status)] = int(n)
    for category_id, n in supports.all():
        if category_id in rows:
            rows[category_id].supports = int(n)
    ordered = sorted(rows.values(), key=lambda r: (-r.total, -r.supports, r.name.casefold()))
    return NeedsReport(period, municipality_id, ordered, await _timeline(session, period, where))


async def _timeline(
    session: AsyncSession, period: Period, where: list[ColumnElement[bool]]
) -> list[tuple[str, int]]:
    """Needs reported per day (or month, or year), zeros included."""
    buckets = period.buckets()
    # grouped in a subquery: PostgreSQL would not match a CASE with bind parameters written
    # twice (in SELECT and GROUP BY) as the same expression
    numbered = (
        select(bucket_index(Need.created_at, buckets).label("bucket")).where(*where).subquery()
    )
    result = await session.execute(
        select(numbered.c.bucket, func.count()).group_by(numbered.c.bucket)
    )
    counts = {int(index): int(n) for index, n in result.all() if index is not None}
    return [(bucket.label, counts.get(i, 0)) for i, bucket in enumerate(buckets)]
