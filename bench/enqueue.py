"""Time and peak memory to queue a broadcast to N recipients on PostgreSQL.

    python -m bench.enqueue [--people 100000 1000000] [--postgres URL]

For each N, a fresh database gets N residents; then a child process queues one broadcast to
all of them and reports how long `queue_broadcast` took and its peak resident memory (the
audience is never loaded into Python: INSERT … SELECT by slices of person ids).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import subprocess
import sys
import time

from sqlalchemy import func, select, text

from bench.common import fresh_postgres, populate
from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast
from models import Audience, OutboxMessage
from models.db import create_engine, create_sessionmaker

PG = "postgresql://postgres@127.0.0.1:5432/postgres"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def measure(url: str, home: int) -> dict[str, float]:
    """Queue one broadcast to everyone at `home`; seconds, memory, rows."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    async with sessions() as session:  # connect and warm up before measuring
        await session.execute(text("SELECT 1"))
    before = peak_mb()
    started = time.perf_counter()
    async with sessions() as session, session.begin():
        broadcast = await create_broadcast(
            session,
            None,
            municipality_id=home,
            audience=Audience.residents,
            texts={"ky": "Жыйын жума күнү саат 10до", "ru": "Собрание в пятницу в 10:00"},
        )
        queued = await queue_broadcast(session, broadcast)
    seconds = time.perf_counter() - started
    async with sessions() as session:
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    await engine.dispose()
    return {
        "queued": queued,
        "rows": rows or 0,
        "seconds": seconds,
        "peak_mb": peak_mb(),
        "before_mb": before,
    }


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--postgres", default=PG, help="a server URL; each run makes a database of its own there"
    )
    parser.add_argument("--child", nargs=2, metavar=("URL", "HOME"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(await measure(args.child[0], int(args.child[1]))))
        return
    print(f"{'recipients':>12} {'queue time':>11} {'rate':>12} {'peak RSS':>9} {'before':>8}")
    for people in args.people:
        url = await fresh_postgres(args.postgres)
        home = await populate(url, people)
        child = subprocess.run(
            [sys.executable, "-m", "bench.enqueue", "--child", url, str(home)],
            capture_output=True,
            text=True,
            check=True,
        )
        figures = json.loads(child.stdout.strip().splitlines()[-1])
        assert figures["queued"] == figures["rows"] == people, figures
        print(
            f"{people:>12,} {figures['seconds']:>10.1f}s {people / figures['seconds']:>10,.0f}/s "
            f"{figures['peak_mb']:>7.0f}MB {figures['before_mb']:>6.0f}MB"
        )


if __name__ == "__main__":
    asyncio.run(main())
