"""The needs report's figures equal a plain count of the rows, and the supports it sums (kept on
each need by the database) follow every way a support is written, changed or removed."""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest
from sqlalchemy import delete, select, text, update

from handlers.account.privacy import delete_personal_data
from handlers.needs.needs import support_need
from handlers.reports.kinds import ReportKind
from handlers.reports.periods import Period
from handlers.reports.report import ReportRequest
from models import ConsentStatus, Municipality, Need, NeedStatus, NeedSupport, Person, Role
from tests.factories import ELSEWHERE, HOME, category, municipality
from tests.handlers.reports.test_figures import gather
from tests.handlers.reports.world import at


async def people(session, n: int, home: int) -> list[Person]:
    rows = [
        Person(language="en", municipality_id=home, consent=ConsentStatus.given) for _ in range(n)
    ]
    session.add_all(rows)
    await session.flush()
    return rows


async def stored_and_counted(app) -> dict[int, tuple[int, int]]:
    """Per need: (the count kept on it, the support rows it has)."""
    async with app.sessions() as session:
        stored = dict((await session.execute(select(Need.id, Need.supports_total))).all())
        rows = Counter((await session.scalars(select(NeedSupport.need_id))).all())
    return {need: (n, rows.get(need, 0)) for need, n in stored.items()}


async def test_a_need_s_supports_are_kept_whatever_writes_them(app) -> None:
    home = (await municipality(app, HOME)).id
    water = (await category(app, "water")).id
    async with app.sessions() as session, session.begin():
        reporter, first, second, third = await people(session, 4, home)
        needs = [
            Need(
                municipality_id=home,
                category_id=water,
                reporter_id=reporter.id,
                language="en",
                description="No water",
            )
            for _ in range(3)
        ]
        session.add_all(needs)
        await session.flush()
        a, b, c = needs
        assert await support_need(session, first, a)
        assert await support_need(session, second, a)
        assert not await support_need(session, first, a)  # twice: refused, not counted
        assert not await support_need(session, reporter, a)  # the reporter's own need
        assert await support_need(session, third, b)
        assert await support_need(session, first, c)
        # a script writing rows itself, with no person (an assisted support)
        await session.execute(
            text("INSERT INTO need_supports (need_id, created_at) VALUES (:need, :at)"),
            {"need": b.id, "at": at("2026-03-01 10:00")},
        )
    assert await stored_and_counted(app) == {a.id: (2, 2), b.id: (2, 2), c.id: (1, 1)}

    async with app.sessions() as session, session.begin():
        await delete_personal_data(session, await session.get(Person, second.id))
    # the erased person's support still counts
    assert await stored_and_counted(app) == {a.id: (2, 2), b.id: (2, 2), c.id: (1, 1)}

    async with app.sessions() as session, session.begin():
        await session.execute(
            update(NeedSupport)
            .where(NeedSupport.need_id == a.id, NeedSupport.person_id == first.id)
            .values(need_id=b.id)
        )
        await session.execute(delete(NeedSupport).where(NeedSupport.need_id == c.id))
    assert await stored_and_counted(app) == {a.id: (1, 1), b.id: (3, 3), c.id: (0, 0)}

    async with app.sessions() as session, session.begin():
        await session.execute(delete(Need).where(Need.id == b.id))  # its supports go with it
    assert await stored_and_counted(app) == {a.id: (1, 1), c.id: (0, 0)}


def plain_figures(needs: list[Need], supports: Counter, period: Period, unit: int | None):
    """What the report must say, counted row by row."""
    start, end = period.bounds()
    buckets = period.buckets()
    ends = [bucket.end for bucket in buckets]
    by_status: Counter = Counter()
    by_category: Counter = Counter()
    timeline: Counter = Counter()
    for need in needs:
        if not start <= need.created_at < end or unit not in (None, need.municipality_id):
            continue
        by_status[need.category_id, need.status] += 1
        by_category[need.category_id] += supports.get(need.id, 0)
        timeline[bisect.bisect_right(ends, need.created_at)] += 1
    return by_status, by_category, [(b.label, timeline.get(i, 0)) for i, b in enumerate(buckets)]


@pytest.fixture
async def merged(app) -> AsyncIterator[tuple[int, int]]:
    """(home, a unit merged into it), merged for this test only: the register is shared by
    every test of the session."""
    home = (await municipality(app, HOME)).id
    merged = (await municipality(app, ELSEWHERE)).id
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Municipality).where(Municipality.id == merged).values(successor_id=home)
        )
    yield home, merged
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Municipality).where(Municipality.id == merged).values(successor_id=None)
        )


async def test_needs_figures_equal_a_plain_count(app, merged) -> None:
    # a unit merged into home keeps its needs: all municipalities count them, home not
    home, merged = merged
    categories = [(await category(app, code)).id for code in ("water", "roads_lighting", "health")]
    statuses = list(NeedStatus)
    async with app.sessions() as session, session.begin():
        crowd = await people(session, 6, home)
        admin = Person(language="en", role=Role.admin)
        staff = Person(language="en", role=Role.staff, staff_municipality_id=home)
        session.add_all([admin, staff])
        first = at("2026-03-01 00:00")  # local midnight: the first instant of the period
        moments = [first - timedelta(seconds=1), first, at("2026-03-31 23:59:59")]
        moments += [first + timedelta(days=d, hours=d % 7) for d in range(0, 45, 2)]
        needs = []
        for i, moment in enumerate(moments):
            need = Need(
                municipality_id=merged if i % 5 == 0 else home,
                category_id=categories[i % 3 if i % 4 else 0],
                language="en",
                description="A need",
                status=statuses[i % len(statuses)],
                created_at=moment,
            )
            session.add(need)
            needs.append(need)
        await session.flush()
        for i, need in enumerate(needs):
            for person in crowd[: i % 4]:
                session.add(NeedSupport(need_id=need.id, person_id=person.id))
        await session.flush()
        # one need loses its supports again
        await session.execute(delete(NeedSupport).where(NeedSupport.need_id == needs[3].id))
    async with app.sessions() as session:
        needs = list((await session.scalars(select(Need))).all())
        supports = Counter((await session.scalars(select(NeedSupport.need_id))).all())

    march = Period(date(2026, 3, 1), date(2026, 3, 31))  # by day
    spring = Period(date(2026, 2, 15), date(2026, 5, 31))  # by month
    for period in (march, spring):
        for person, unit in ((admin, None), (staff, home)):
            report = await gather(app, person.id, ReportRequest(ReportKind.needs, period, unit))
            figures = report.figures
            by_status, by_category, timeline = plain_figures(needs, supports, period, unit)
            assert {
                (row.category_id, status): n
                for row in figures.categories
                for status, n in row.by_status.items()
            } == dict(by_status)
            assert {row.category_id: row.supports for row in figures.categories} == dict(
                by_category
            )
            assert figures.timeline == timeline
            assert figures.total == sum(by_status.values()) > 0
    # the edges are where they should be: one second before the period is out
    report = await gather(app, admin.id, ReportRequest(ReportKind.needs, march, None))
    assert report.figures.timeline[0][1] == 1 + sum(1 for m in moments[3:] if m < at("2026-03-02"))
