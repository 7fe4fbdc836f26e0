"""SIGKILL in the middle of a broadcast, then a restart: every message delivered, none twice
but the ones in flight at the kill — checked against the fake Bot API's own log."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from collections import Counter

from sqlalchemy import func, select

from handlers.broadcasts.broadcasts import queue_broadcast
from models import (
    Address,
    ConsentStatus,
    Municipality,
    OutboxMessage,
    Person,
)
from models.db import create_engine, create_sessionmaker
from tests.factories import create_home_broadcast
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import KENESH, free_port, kenesh

RECIPIENTS = 150
FIRST_CHAT = 5_000_000


async def prepare(url: str) -> None:
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        home = await session.scalar(
            select(Municipality).where(Municipality.code == "JA-SUZAK-BARPY")
        )
        for i in range(RECIPIENTS):
            person = Person(language="ky", municipality_id=home.id, consent=ConsentStatus.given)
            session.add(person)
            await session.flush()
            session.add(Address(person_id=person.id, channel="telegram", value=str(FIRST_CHAT + i)))
        await session.flush()
        broadcast = await create_home_broadcast(session, home.id, "Жыйын жума күнү")
        assert await queue_broadcast(session, broadcast) == RECIPIENTS
    await engine.dispose()


async def outbox_states(url: str) -> Counter:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        states = Counter({str(status): count for status, count in rows.all()})
    await engine.dispose()
    return states


def serve(env: dict[str, str], fake: FakeTelegram) -> subprocess.Popen[bytes]:
    settings = {
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
        "TELEGRAM_API_URL": fake.base_url,
        "TELEGRAM_POLLING_TIMEOUT": "1",
        "TELEGRAM_RATE": "60",
        "OUTBOX_STALE_SECONDS": "2",
        "HTTP_PORT": str(free_port()),
    }
    return subprocess.Popen(
        [*KENESH, "serve"],
        env={**env, **settings},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def delivered(fake: FakeTelegram) -> Counter:
    return Counter(call.params["chat_id"] for call in fake.calls_to("sendMessage") if call.ok)


async def test_sigkill_mid_broadcast_then_restart_delivers_the_rest_once(cli_env) -> None:
    assert kenesh(cli_env, "db", "upgrade").returncode == 0
    assert kenesh(cli_env, "seed").returncode == 0
    await prepare(cli_env["DATABASE_URL"])
    fake = FakeTelegram(max_poll_wait=0.2)
    await fake.start()
    try:
        first = serve(cli_env, fake)
        while len(delivered(fake)) < RECIPIENTS // 3:
            assert first.poll() is None, "the server died by itself"
            await asyncio.sleep(0.02)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        at_kill = sum(delivered(fake).values())
        assert at_kill < RECIPIENTS, "the kill came too late to test anything"

        second = serve(cli_env, fake)
        try:
            for _ in range(1500):
                if len(delivered(fake)) == RECIPIENTS:
                    break
                await asyncio.sleep(0.02)
        finally:
            second.terminate()
            second.wait(timeout=30)
    finally:
        await fake.stop()

    counts = delivered(fake)
    assert len(counts) == RECIPIENTS, f"lost: {RECIPIENTS - len(counts)}"
    twice = [chat for chat, n in counts.items() if n > 1]
    assert len(twice) <= 1, f"sent twice: {twice}"  # at most the one in flight at the kill
    assert (await outbox_states(cli_env["DATABASE_URL"]))["sent"] == RECIPIENTS
