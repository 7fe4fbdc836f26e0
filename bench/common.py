"""What the benchmarks share: free ports, fresh uniquely named PostgreSQL databases, a crowd of
recipients, the machine's load, and min/median figures over repeats."""

from __future__ import annotations

import os
import secrets
import socket
import statistics
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text

from bot.reference import seed_if_empty
from models.db import create_engine, create_sessionmaker, upgrade_database

FIRST_CHAT = 10_000_000
HOME = "JA-SUZAK-BARPY"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def unique_name(prefix: str) -> str:
    """A database name no other run uses: `prefix`, this process's id and a random suffix."""
    return f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"


def load() -> str:
    """The machine's load averages (1, 5, 15 minutes), to print beside every figure: timings on
    a shared machine mean little without them."""
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} / {five:.1f} / {fifteen:.1f} on {os.cpu_count()} cores"


def cpu_seconds(pid: int) -> float:
    """User + system CPU time the process `pid` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(database: str) -> float:
    """CPU time used so far by the PostgreSQL backends connected to `database` (found by their
    process title, `postgres: [CLUSTER:] USER DATABASE HOST…`); a backend that has exited no longer counts,
    so take both readings while the server's pool holds its connections."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            title = (entry / "cmdline").read_bytes().split(b"\0")[0].split()
            if title[:1] == [b"postgres:"] and database.encode() in title[2:4]:
                total += cpu_seconds(int(entry.name))
        except (FileNotFoundError, ProcessLookupError, IndexError):
            continue
    return total


def min_median(values: Sequence[float], digits: int = 3) -> str:
    """`min X, median Y` of the repeats."""
    return f"min {min(values):.{digits}f}, median {statistics.median(values):.{digits}f}"


async def drop_postgres(url: str) -> None:
    """Drop the database of `url` (a benchmark's own, made by ``fresh_postgres``)."""
    server, name = url.rsplit("/", 1)
    admin = create_engine(server + "/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    await admin.dispose()


async def fresh_postgres(server_url: str, name: str | None = None) -> str:
    """A new, empty database on the server of `server_url`, named `name` or, by default,
    uniquely (``unique_name("kenesh_bench")``): never the test suite's, nor another run's."""
    name = name or unique_name("kenesh_bench")
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await connection.execute(text(f"CREATE DATABASE {name}"))
    await admin.dispose()
    return server_url.rsplit("/", 1)[0] + "/" + name


def sms_number(person_id: int) -> str:
    """The bench's phone number of a person: +99670 and seven digits."""
    return f"+99670{person_id:07d}"


async def populate(url: str, people: int, sms_share: float = 0.0) -> int:
    """Migrate, seed, and add `people` consenting residents of HOME in all four languages, on
    Telegram (chat FIRST_CHAT + id) or, for a `sms_share` of them, SMS (`sms_number(id)`).
    Written by PostgreSQL itself (generate_series): a million rows take seconds. The home
    municipality's id."""
    engine = create_engine(url)
    await upgrade_database(engine)
    async with create_sessionmaker(engine)() as session, session.begin():
        await seed_if_empty(session)
        home = await session.scalar(
            text("SELECT id FROM municipalities WHERE code = :code"), {"code": HOME}
        )
    every = round(1 / sms_share) if sms_share else 0
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "INSERT INTO persons (language, municipality_id, role, consent, created_at) "
                "SELECT (ARRAY['ky','ru','uz','en'])[1 + g % 4], :home, 'resident', 'given', "
                "now() FROM generate_series(1, :people) AS g"
            ),
            {"home": home, "people": people},
        )
        await connection.execute(
            text(
                "INSERT INTO addresses (person_id, channel, value, unreachable, opted_out, "
                "last_seen_at, created_at) "
                "SELECT id, CASE WHEN :every > 0 AND id % :every = 0 THEN 'sms' ELSE 'telegram' END, "
                "CASE WHEN :every > 0 AND id % :every = 0 THEN '+99670' || lpad(id::text, 7, '0') "
                "ELSE (:first + id)::text END, false, false, now(), now() FROM persons "
                "WHERE role = 'resident'"
            ),
            {"every": every, "first": FIRST_CHAT},
        )
        await connection.execute(text("ANALYZE persons"))
        await connection.execute(text("ANALYZE addresses"))
    await engine.dispose()
    return home
