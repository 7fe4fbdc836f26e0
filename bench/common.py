"""What the benchmarks share: free ports, a fresh PostgreSQL database, a crowd of recipients."""

from __future__ import annotations

import socket

from sqlalchemy import text

from bot.reference import seed_if_empty
from models.db import create_engine, create_sessionmaker, upgrade_database

FIRST_CHAT = 10_000_000
HOME = "JA-SUZAK-BARPY"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


async def fresh_postgres(server_url: str, name: str = "kenesh_bench") -> str:
    """A new, empty database on the server of `server_url` (never the test suite's database)."""
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
