"""Time of the staff needs report over N needs: figures, chart and spreadsheet.

    python -m bench.needs_report [--needs 1000000] [--repeats 5] [--sqlite-needs 100000]
        [--postgres URL]

A fresh, uniquely named PostgreSQL database (dropped at the end) gets the seeded register and N
needs written by PostgreSQL itself (INSERT … SELECT over generate_series): spread over the
register's cities and ayil aimaks (a few busy ones, a long tail), every category (skewed), the
five statuses (mostly open), the last 364 days in time order, with 0–7 supports each (about
1.6 on average), counted on each need by the database's trigger as they are written.
Then, `--repeats` times, interleaved, two reports are made the way staff get them, through the
same functions the bot and the download links call:

- all: an admin's report of all municipalities over the 365 days, so every need counts
  (monthly timeline);
- one: the busiest municipality's staff over the last 30 days (daily timeline).

Each is timed in parts, `gather_report` (the SQL and the figures, in its own transaction),
`render_chart` (PNG) and `render_workbook` (XLSX), and in all; min and median of the repeats are
printed. `--sqlite-needs` does the same on a temporary SQLite file at a smaller N (0: skip),
labelled as such. The machine's load is printed beside the figures: it is shared, so read them
beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench.common import drop_postgres, fresh_postgres, load, min_median, unique_name
from bot.reference import seed_if_empty
from bot.settings import Settings
from handlers.reports.build import gather_report, render_chart, render_workbook
from handlers.reports.kinds import ReportKind
from handlers.reports.periods import Period, today_in
from handlers.reports.report import ReportRequest
from models import Person
from models.db import create_engine, create_sessionmaker, upgrade_database

PG = "postgresql://postgres@127.0.0.1:5432/postgres"
PARTS = ("sql", "chart", "xlsx", "all")
# status by need id modulo 20: 6 new, 4 received, 4 in progress, 5 resolved, 1 rejected
STATUSES = ["new"] * 6 + ["received"] * 4 + ["in_progress"] * 4 + ["resolved"] * 5 + ["rejected"]

# PostgreSQL: places and categories numbered 1..n in temporary tables; a need's place is
# n·u² (busy places first), its category n·u^1.5; its supports 8·w³ for a w spread by its id
# (SQLite draws random() in a join condition once). Written in CHUNKS slices of the year in
# time order, each need's supports (the trigger counts them on the need) right after it, and
# VACUUM between slices as autovacuum would: the needs' table ends as bloated as a real one.
CHUNKS = 20
PG_NEEDS = """
INSERT INTO needs (municipality_id, category_id, language, description, status, hidden,
                   created_at, updated_at)
SELECT p.id, c.id, (ARRAY['ky','ru','uz','en'])[1 + g.i % 4], 'Bench need ' || g.i,
       (CAST(:statuses AS text[]))[1 + g.i % 20], false, g.at, g.at
FROM (SELECT i, 1 + floor(power(random(), 2) * :places)::int AS place,
             1 + floor(power(random(), 1.5) * :categories)::int AS category,
             now() - interval '364 days' * (1 - (CAST(:chunk AS float) + random()) / CAST(:chunks AS float)) AS at
      FROM generate_series(CAST(:first AS int), CAST(:last AS int)) AS i) AS g
JOIN bench_places p ON p.n = g.place
JOIN bench_categories c ON c.n = g.category
ORDER BY g.at
"""
PG_SUPPORTS = """
INSERT INTO need_supports (need_id, created_at)
SELECT n.id, n.created_at + interval '1 hour'
FROM needs n
CROSS JOIN LATERAL generate_series(1, floor(power((n.id::bigint * 7919 % 1000) / 1000.0, 3) * 8)::int)
WHERE n.id > :after
ORDER BY n.id
"""
# SQLite: the same shapes with a recursive counter and abs(random()) fractions
SQLITE_NEEDS = """
INSERT INTO needs (municipality_id, category_id, language, description, status, hidden,
                   created_at, updated_at)
WITH RECURSIVE counter(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM counter WHERE i < :needs),
g AS (SELECT i, (abs(random()) % 1000000) / 1000000.0 AS u, (abs(random()) % 1000000) / 1000000.0
             AS v, (abs(random()) % 31449600) AS back FROM counter)
SELECT p.id, c.id, CASE i % 4 WHEN 0 THEN 'ky' WHEN 1 THEN 'ru' WHEN 2 THEN 'uz' ELSE 'en' END,
       'Bench need ' || i, s.status, 0,
       strftime('%Y-%m-%d %H:%M:%S.000000', 'now', '-' || back || ' seconds'),
       strftime('%Y-%m-%d %H:%M:%S.000000', 'now', '-' || back || ' seconds')
FROM g
JOIN bench_places p ON p.n = 1 + CAST(u * u * :places AS INTEGER)
JOIN bench_categories c ON c.n = 1 + CAST(v * sqrt(v) * :categories AS INTEGER)
JOIN bench_statuses s ON s.n = i % 20
"""
SQLITE_SUPPORTS = """
INSERT INTO need_supports (need_id, created_at)
WITH RECURSIVE counter(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM counter WHERE k < 7)
SELECT n.id, n.created_at FROM needs n JOIN counter
ON k <= CAST(power(((n.id * 7919) % 1000) / 1000.0, 3) * 8 AS INTEGER)
"""


@dataclass
class Timings:
    """Seconds per part, one entry per repeat."""

    parts: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PARTS})


async def fill(engine: AsyncEngine, needs: int) -> tuple[int, int, int]:
    """Migrate, seed, add `needs` needs and their supports; (admin id, busiest place's staff id,
    supports written)."""
    postgres = engine.dialect.name == "postgresql"
    await upgrade_database(engine)
    async with create_sessionmaker(engine)() as session, session.begin():
        await seed_if_empty(session)
    async with engine.connect() as connection:
        # one connection (the temporary tables are its own); on PostgreSQL every statement
        # commits by itself, so VACUUM can run between the slices
        if postgres:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
        else:
            await connection.begin()
        places = await _numbered(
            connection,
            "bench_places",
            "SELECT id FROM municipalities WHERE kind IN ('city', 'ayil_aimak') ORDER BY id",
        )
        categories = await _numbered(
            connection, "bench_categories", "SELECT id FROM categories ORDER BY position, id"
        )
        # u² reaches n only for u = 1: draw 1..n-1 below, the last place and category rarely
        bounds = {"places": places - 1, "categories": categories - 1}
        if postgres:
            size = -(-needs // CHUNKS)
            for chunk in range(CHUNKS):
                first, last = chunk * size + 1, min(needs, (chunk + 1) * size)
                if first > last:
                    break
                after = await connection.scalar(text("SELECT coalesce(max(id), 0) FROM needs"))
                await connection.execute(
                    text(PG_NEEDS),
                    {**bounds, "statuses": STATUSES, "chunk": chunk, "chunks": CHUNKS}
                    | {"first": first, "last": last},
                )
                await connection.execute(text(PG_SUPPORTS), {"after": after})
                await connection.execute(text("VACUUM needs"))
            await connection.execute(text("VACUUM ANALYZE"))
        else:
            await connection.execute(text("CREATE TEMPORARY TABLE bench_statuses (n, status)"))
            await connection.execute(
                text("INSERT INTO bench_statuses VALUES (:n, :status)"),
                [{"n": n, "status": s} for n, s in enumerate(STATUSES)],
            )
            await connection.execute(text(SQLITE_NEEDS), {**bounds, "needs": needs})
            await connection.execute(text(SQLITE_SUPPORTS))
            await connection.execute(text("ANALYZE"))
        supports = await connection.scalar(text("SELECT count(*) FROM need_supports"))
        counted = await connection.scalar(text("SELECT sum(supports_total) FROM needs"))
        assert counted == supports, f"needs.supports_total says {counted}, need_supports {supports}"
        busiest = await connection.scalar(
            text(
                "SELECT municipality_id FROM needs GROUP BY municipality_id "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        )
        admin = await connection.scalar(
            text(
                "INSERT INTO persons (language, role, consent, created_at) "
                "VALUES ('ru', 'admin', 'given', CURRENT_TIMESTAMP) RETURNING id"
            )
        )
        staff = await connection.scalar(
            text(
                "INSERT INTO persons (language, role, staff_municipality_id, consent, created_at) "
                "VALUES ('ky', 'staff', :place, 'given', CURRENT_TIMESTAMP) RETURNING id"
            ),
            {"place": busiest},
        )
        if not postgres:
            await connection.commit()
    return admin, staff, supports or 0


async def _numbered(connection: AsyncConnection, table: str, query: str) -> int:
    """The ids `query` selects, numbered 1..n in temporary `table` (n, id); n."""
    ids = (await connection.execute(text(query))).scalars().all()
    await connection.execute(text(f"CREATE TEMPORARY TABLE {table} (n int, id int)"))
    await connection.execute(
        text(f"INSERT INTO {table} VALUES (:n, :id)"),
        [{"n": n, "id": i} for n, i in enumerate(ids, 1)],
    )
    return len(ids)


async def time_report(
    engine: AsyncEngine, person_id: int, request: ReportRequest, settings: Settings
) -> tuple[dict[str, float], int]:
    """One report as staff get it, timed in parts; and how many needs it counted."""
    sessions = create_sessionmaker(engine)
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        person = await session.get(Person, person_id)
        assert person is not None
        report = await gather_report(
            session, person, request, person.language or "ru", settings.report_min_group
        )
    gathered = time.perf_counter()
    # what render_files does for the bot, part by part (a link makes one of the two)
    png = render_chart(report)
    drawn = time.perf_counter()
    xlsx = render_workbook(report, settings.timezone)
    written = time.perf_counter()
    assert png and xlsx
    times = {
        "sql": gathered - started,
        "chart": drawn - gathered,
        "xlsx": written - drawn,
        "all": written - started,
    }
    return times, report.figures.total  # type: ignore[union-attr]


async def run(label: str, url: str, needs: int, repeats: int) -> None:
    """Fill `url`, then time both reports `repeats` times, interleaved, and print them."""
    settings = Settings()
    engine = create_engine(url)
    started = time.perf_counter()
    admin, staff, supports = await fill(engine, needs)
    print(
        f"\n{label}: {needs:,} needs, {supports:,} supports, "
        f"filled in {time.perf_counter() - started:.0f} s ({load()})"
    )
    today = today_in(settings.timezone)
    year = Period(today - timedelta(days=364), today, settings.timezone)
    month = Period(today - timedelta(days=29), today, settings.timezone)
    async with create_sessionmaker(engine)() as session:
        place = await session.scalar(
            text("SELECT staff_municipality_id FROM persons WHERE id = :id"), {"id": staff}
        )
    cases = {
        "all": (admin, ReportRequest(ReportKind.needs, year, None)),
        "one": (staff, ReportRequest(ReportKind.needs, month, place)),
    }
    for person_id, request in cases.values():  # warm up: connections, fonts, imports
        await time_report(engine, person_id, request, settings)
    timings = {name: Timings() for name in cases}
    counted: dict[str, int] = {}
    for _ in range(repeats):
        for name, (person_id, request) in cases.items():
            times, counted[name] = await time_report(engine, person_id, request, settings)
            for part, seconds in times.items():
                timings[name].parts[part].append(seconds)
    for name, timing in timings.items():
        print(f"  {name} ({counted[name]:,} needs counted), {repeats} repeats, seconds:")
        for part in PARTS:
            print(f"    {part:>5}: {min_median(timing.parts[part])}")
    print(f"  ({load()})")
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sqlite-needs", type=int, default=100_000, help="0: no SQLite run")
    parser.add_argument("--postgres", default=PG, help="a server URL; a unique database on it")
    args = parser.parse_args()
    url = await fresh_postgres(args.postgres, unique_name("bench_needs_report"))
    try:
        await run("PostgreSQL", url, args.needs, args.repeats)
    finally:
        await drop_postgres(url)
    if args.sqlite_needs:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            await run(
                f"SQLite (smaller N: {args.sqlite_needs:,})",
                f"sqlite:///{path}",
                args.sqlite_needs,
                args.repeats,
            )


if __name__ == "__main__":
    asyncio.run(main())
