"""Time of the staff needs report over N needs: figures, chart and spreadsheet.

    python -m bench.needs_report [--needs 1000000] [--repeats 5] [--sqlite-needs 100000]
        [--supporters 100000] [--answered 0.2] [--postgres URL] [--keep]

A fresh, uniquely named PostgreSQL database (dropped at the end) gets the seeded register and N
needs written by PostgreSQL itself (INSERT … SELECT over generate_series): spread over the
register's cities and ayil aimaks (a few busy ones, a long tail), every category (skewed), the
five statuses (mostly open), the last 364 days in time order, with 0–7 supports each (about
1.6 on average), counted on each need by the database's trigger as they are written. The
supports are given by `--supporters` residents (about as many each); an `--answered` share of
them agreed to the questions about themselves and answered them (`group_answers`, some
questions skipped), and half as many again were asked and said "not now" — so the report's
figures by group (`handlers.reports.groups`) have something to count (0: nobody answered).
Then, `--repeats` times, interleaved, two reports are made the way staff get them, through the
same functions the bot and the download links call:

- all: an admin's report of all municipalities over the 365 days, so every need counts
  (monthly timeline);
- one: the busiest municipality's staff over the last 30 days (daily timeline).

Each is timed in parts, `gather_report` (in its own transaction) split into its figures
(`needs_report`) and the rest, its figures by group (the supports by category and group and,
for all municipalities, by municipality and group), then `render_chart` (PNG) and
`render_workbook` (XLSX), and in all; min and median of the repeats are printed.
`--sqlite-needs` does the same on a temporary SQLite file at a smaller N (0: skip), labelled as
such. `--keep` leaves the PostgreSQL database in place (its URL printed) to EXPLAIN queries on
it; drop it afterwards. The machine's load is printed beside the figures: it is shared, so
read them beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bench.common import drop_postgres, fresh_postgres, load, min_median, unique_name
from bot.reference import seed_if_empty
from bot.settings import Settings
from handlers.reports import build
from handlers.reports.build import gather_report, render_chart, render_workbook
from handlers.reports.kinds import ReportKind
from handlers.reports.periods import Period, today_in
from handlers.reports.report import ReportRequest
from models import Person
from models.db import create_engine, create_sessionmaker, upgrade_database

PG = "postgresql://postgres@127.0.0.1:5432/postgres"
PARTS = ("figures", "groups", "chart", "xlsx", "all")
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
# a support's person: one of the supporters, spread by need and rank (distinct within a need)
PG_SUPPORTS = """
INSERT INTO need_supports (need_id, person_id, created_at)
SELECT n.id, :first + (n.id::bigint * 7 + k * 7919) % :supporters, n.created_at + interval '1 hour'
FROM needs n
CROSS JOIN LATERAL generate_series(1, floor(power((n.id::bigint * 7919 % 1000) / 1000.0, 3) * 8)::int) AS k
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
INSERT INTO need_supports (need_id, person_id, created_at)
WITH RECURSIVE counter(k) AS (SELECT 1 UNION ALL SELECT k + 1 FROM counter WHERE k < 7)
SELECT n.id, :first + (n.id * 7 + k * 7919) % :supporters, n.created_at FROM needs n JOIN counter
ON k <= CAST(power(((n.id * 7919) % 1000) / 1000.0, 3) * 8 AS INTEGER)
"""
# both: the supporters, residents who gave consent; then, for a hashed share of them, their
# answers (each question skipped by about one in six: an index past the choices is NULL)
SUPPORTERS = """
INSERT INTO persons (language, role, consent, created_at)
SELECT CASE i % 4 WHEN 0 THEN 'ky' WHEN 1 THEN 'ru' WHEN 2 THEN 'uz' ELSE 'en' END,
       'resident', 'given', CURRENT_TIMESTAMP
FROM ({counter}) AS g
"""
PG_COUNTER = "SELECT i FROM generate_series(1, CAST(:supporters AS int)) AS i"
SQLITE_COUNTER = (
    "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < :supporters) "
    "SELECT i FROM c"
)
ANSWERS = """
INSERT INTO group_answers (person_id, asked_at, agreed_at, age_band, gender, disability)
SELECT id, CURRENT_TIMESTAMP, CASE WHEN h < :agreed THEN CURRENT_TIMESTAMP END,
       CASE WHEN h < :agreed THEN CASE id % 6 WHEN 0 THEN 'under_18' WHEN 1 THEN '18_29'
            WHEN 2 THEN '30_44' WHEN 3 THEN '45_59' WHEN 4 THEN '60_plus' END END,
       CASE WHEN h < :agreed THEN CASE (id / 6) % 4 WHEN 0 THEN 'woman' WHEN 1 THEN 'man'
            WHEN 2 THEN 'unsaid' END END,
       CASE WHEN h < :agreed THEN CASE (id / 24) % 4 WHEN 0 THEN 'self' WHEN 1 THEN 'carer'
            WHEN 2 THEN 'none' END END
FROM (SELECT id, (CAST(id AS bigint) * 7919) % 1000 AS h FROM persons WHERE role = 'resident') AS p
WHERE h < :asked
"""


@dataclass
class Timings:
    """Seconds per part, one entry per repeat."""

    parts: dict[str, list[float]] = field(default_factory=lambda: {p: [] for p in PARTS})


@dataclass
class Filled:
    """What `fill` wrote: the two report makers, and how many supports (and of those, how
    many by people who answered the questions)."""

    admin: int
    staff: int
    supports: int
    answered: int


async def fill(engine: AsyncEngine, needs: int, supporters: int, answered: float) -> Filled:
    """Migrate, seed, add `supporters` residents, `needs` needs and their supports, and the
    answers of an `answered` share of the supporters."""
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
        counter = PG_COUNTER if postgres else SQLITE_COUNTER
        await connection.execute(
            text(SUPPORTERS.format(counter=counter)), {"supporters": supporters}
        )
        first = await connection.scalar(text("SELECT min(id) FROM persons"))
        people = {"first": first, "supporters": supporters}
        share = round(answered * 1000)
        await connection.execute(text(ANSWERS), {"agreed": share, "asked": share * 3 // 2})
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
                await connection.execute(text(PG_SUPPORTS), {"after": after} | people)
                await connection.execute(text("VACUUM needs"))
            await connection.execute(text("VACUUM ANALYZE"))
        else:
            await connection.execute(text("CREATE TEMPORARY TABLE bench_statuses (n, status)"))
            await connection.execute(
                text("INSERT INTO bench_statuses VALUES (:n, :status)"),
                [{"n": n, "status": s} for n, s in enumerate(STATUSES)],
            )
            await connection.execute(text(SQLITE_NEEDS), {**bounds, "needs": needs})
            await connection.execute(text(SQLITE_SUPPORTS), people)
            await connection.execute(text("ANALYZE"))
        supports = await connection.scalar(text("SELECT count(*) FROM need_supports"))
        counted = await connection.scalar(text("SELECT sum(supports_total) FROM needs"))
        assert counted == supports, f"needs.supports_total says {counted}, need_supports {supports}"
        by_answered = await connection.scalar(
            text(
                "SELECT count(*) FROM need_supports s JOIN group_answers a "
                "ON a.person_id = s.person_id WHERE a.agreed_at IS NOT NULL"
            )
        )
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
    return Filled(admin, staff, supports or 0, by_answered or 0)


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
    figures = 0.0
    query = build.needs_report

    async def timed(*args: Any) -> Any:  # the figures' part of gather_report
        nonlocal figures
        begun = time.perf_counter()
        try:
            return await query(*args)
        finally:
            figures += time.perf_counter() - begun

    started = time.perf_counter()
    build.needs_report = timed  # type: ignore[assignment]
    try:
        async with sessions() as session, session.begin():
            person = await session.get(Person, person_id)
            assert person is not None
            report = await gather_report(
                session, person, request, person.language or "ru", settings.report_min_group
            )
    finally:
        build.needs_report = query
    gathered = time.perf_counter()
    # what render_files does for the bot, part by part (a link makes one of the two)
    png = render_chart(report)
    drawn = time.perf_counter()
    xlsx = render_workbook(report, settings.timezone)
    written = time.perf_counter()
    assert png and xlsx
    times = {
        "figures": figures,
        "groups": gathered - started - figures,  # the rest of gather_report: by group
        "chart": drawn - gathered,
        "xlsx": written - drawn,
        "all": written - started,
    }
    assert report.by_group.supports is not None
    return times, report.figures.total, len(report.by_group.supports.rows)  # type: ignore[union-attr]


async def run(label: str, url: str, needs: int, repeats: int, people: tuple[int, float]) -> None:
    """Fill `url`, then time both reports `repeats` times, interleaved, and print them."""
    settings = Settings()
    engine = create_engine(url)
    started = time.perf_counter()
    filled = await fill(engine, needs, *people)
    admin, staff = filled.admin, filled.staff
    print(
        f"\n{label}: {needs:,} needs, {filled.supports:,} supports by {people[0]:,} people, "
        f"{filled.answered:,} of them by the {people[1]:.0%} who answered; "
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
    counted: dict[str, tuple[int, int]] = {}
    for _ in range(repeats):
        for name, (person_id, request) in cases.items():
            times, *counted[name] = await time_report(engine, person_id, request, settings)
            for part, seconds in times.items():
                timings[name].parts[part].append(seconds)
    for name, timing in timings.items():
        needs_counted, rows = counted[name]
        print(
            f"  {name} ({needs_counted:,} needs counted, {rows} categories by group), "
            f"{repeats} repeats, seconds:"
        )
        for part in PARTS:
            print(f"    {part:>7}: {min_median(timing.parts[part])}")
    print(f"  ({load()})")
    await engine.dispose()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--needs", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sqlite-needs", type=int, default=100_000, help="0: no SQLite run")
    parser.add_argument("--supporters", type=int, default=100_000)
    parser.add_argument(
        "--answered", type=float, default=0.2, help="the supporters' share who answered (0–1)"
    )
    parser.add_argument("--postgres", default=PG, help="a server URL; a unique database on it")
    parser.add_argument(
        "--keep", action="store_true", help="keep the PostgreSQL database (to EXPLAIN); say so"
    )
    args = parser.parse_args()
    people = (args.supporters, args.answered)
    url = await fresh_postgres(args.postgres, unique_name("bench_needs_report"))
    try:
        await run("PostgreSQL", url, args.needs, args.repeats, people)
    finally:
        if args.keep:
            print(f"  kept: {url} (drop it when done)")
        else:
            await drop_postgres(url)
    if args.sqlite_needs:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "bench.db"
            await run(
                f"SQLite (smaller N: {args.sqlite_needs:,})",
                f"sqlite:///{path}",
                args.sqlite_needs,
                args.repeats,
                people,
            )


if __name__ == "__main__":
    asyncio.run(main())
