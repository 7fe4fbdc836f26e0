"""Needs by category and status over a period, with the supports they gathered.

A need counts in the period it was reported in, under the status it has now. Its supports are
all it has, whenever given (`Need.supports_total`, kept by the database). Every figure comes
from one GROUP BY in the database: a year of a million needs is one scan and a few hundred
rows, not a row per need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.reports.periods import Period, bucket_index
from models import Category, Need, NeedStatus


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
    buckets = period.buckets()
    # one scan of the needs: counts and supports (kept on each need) per category, status and
    # bucket, a few hundred rows whatever the number of needs. Grouped in a subquery:
    # PostgreSQL would not match a CASE with bind parameters written twice (in SELECT and
    # GROUP BY) as the same expression.
    numbered = (
        select(
            Need.category_id,
            Need.status,
            Need.supports_total,
            bucket_index(Need.created_at, buckets).label("bucket"),
        )
        .where(*_filters(period, municipality_id))
        .subquery()
    )
    groups = await session.execute(
        select(
            numbered.c.category_id,
            numbered.c.status,
            numbered.c.bucket,
            func.count(),
            func.sum(numbered.c.supports_total),
        ).group_by(numbered.c.category_id, numbered.c.status, numbered.c.bucket)
    )
    names = {c.id: c for c in (await session.scalars(select(Category))).all()}
    rows: dict[int, CategoryNeeds] = {}
    per_bucket: dict[int, int] = {}
    for category_id, status, bucket, n, supports in groups.all():
        row = rows.get(category_id)
        if row is None:
            category = names.get(category_id)
            name = category.name(language) if category else "?"
            row = rows[category_id] = CategoryNeeds(category_id, name)
        state = NeedStatus(status)
        row.by_status[state] = row.by_status.get(state, 0) + int(n)
        row.supports += int(supports or 0)
        if bucket is not None:
            per_bucket[int(bucket)] = per_bucket.get(int(bucket), 0) + int(n)
    ordered = sorted(rows.values(), key=lambda r: (-r.total, -r.supports, r.name.casefold()))
    timeline = [(bucket.label, per_bucket.get(i, 0)) for i, bucket in enumerate(buckets)]
    return NeedsReport(period, municipality_id, ordered, timeline)
