"""SIGKILL in the middle of a broadcast, then a restart: every message delivered, none twice
but the ones in flight at the kill (taken, not yet recorded) — checked against the fake Bot
API's own log."""

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
from tests.bot.delivery.test_crash_broadcast import sending_now
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
        # a killed process's messages go back after its lease; it must outlast one send
        "OUTBOX_STALE_SECONDS": "12",
        "SEND_TIMEOUT_SECONDS": "2",
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
        await asyncio.sleep(0.2)  # requests already on the wire reach the fake
        in_flight = await sending_now(cli_env["DATABASE_URL"])
        at_kill = sum(delivered(fake).values())
        assert at_kill < RECIPIENTS, "the kill came too late to test anything"

        second = serve(cli_env, fake)
        try:
            for _ in range(3000):  # a killed process's lease runs out first
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
    twice = {str(chat) for chat, n in counts.items() if n > 1}
    # a repeat is only ever a message that had gone out but was still `sending` at the kill
    assert twice <= in_flight, f"sent twice but not in flight at the kill: {twice - in_flight}"
    assert all(n <= 2 for n in counts.values())
    assert (await outbox_states(cli_env["DATABASE_URL"]))["sent"] == RECIPIENTS
