"""Scale-out: two `kenesh serve` processes on one PostgreSQL share the outbox — no message sent
twice — and one Telegram rate: the fake Bot API, enforcing the bot's limit in every sliding
second, sees nothing lost or repeated, every 429 retried."""

from __future__ import annotations

import asyncio
import re
import subprocess
import time

import httpx
import pytest

from handlers.broadcasts.broadcasts import queue_broadcast
from models.db import create_engine, create_sessionmaker
from tests.bot.delivery.crowd import add_residents
from tests.factories import create_home_broadcast
from tests.fakes.request_log import read_log, summarize
from tests.fakes.telegram_api import FakeTelegram
from tests.processes import KENESH, free_port, kenesh

PEOPLE = 400
RATE = 80  # the bot's limit, configured in both processes and enforced by the fake
FIRST_CHAT = 8_000_000


async def prepare(url: str) -> None:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        home = await add_residents(session, PEOPLE, FIRST_CHAT)
        broadcast = await create_home_broadcast(session, home, "Жыйын жума күнү")
        assert await queue_broadcast(session, broadcast) == PEOPLE
    await engine.dispose()


def serve(env: dict[str, str], fake: FakeTelegram, port: int) -> subprocess.Popen[bytes]:
    settings = {
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
        "TELEGRAM_API_URL": fake.base_url,
        "TELEGRAM_POLLING_TIMEOUT": "1",
        "TELEGRAM_RATE": str(RATE),
        "HTTP_PORT": str(port),
    }
    return subprocess.Popen([*KENESH, "serve"], env={**env, **settings}, stdout=subprocess.DEVNULL)


async def sent_by(port: int) -> float:
    """What one process's /metrics says it sent on Telegram."""
    async with httpx.AsyncClient() as client:
        metrics = (await client.get(f"http://127.0.0.1:{port}/metrics")).text
    found = re.search(r'^kenesh_outbox_sent_total\{channel="telegram"\} (\S+)$', metrics, re.M)
    return float(found.group(1)) if found else 0.0


async def test_two_processes_share_the_outbox_and_the_rate(database, cli_env, tmp_path) -> None:
    if database.backend != "postgres":
        pytest.skip("several processes share an outbox on PostgreSQL (SKIP LOCKED)")
    assert kenesh(cli_env, "db", "upgrade").returncode == 0
    assert kenesh(cli_env, "seed").returncode == 0
    await prepare(cli_env["DATABASE_URL"])
    fake = FakeTelegram(max_poll_wait=0.2, rate=RATE, per_chat=1)  # sliding windows, no burst
    fake.stats.log_to(str(tmp_path / "requests.log"))
    await fake.start()
    ports = [free_port(), free_port()]
    processes = [serve(cli_env, fake, port) for port in ports]
    try:
        started = time.monotonic()
        while len([call for call in fake.calls_to("sendMessage") if call.ok]) < PEOPLE:
            assert all(p.poll() is None for p in processes), "a server died"
            assert time.monotonic() - started < 120, f"{len(fake.calls)} calls after 2 minutes"
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)  # anything sent twice would show by now
        shares = [await sent_by(port) for port in ports]
    finally:
        for process in processes:
            process.terminate()
            process.wait(timeout=30)
        await fake.stop()

    fake.stats.close()
    chats = [call.params["chat_id"] for call in fake.calls_to("sendMessage") if call.ok]
    assert len(chats) == len(set(chats)) == PEOPLE  # each once
    sends = summarize(
        read_log(tmp_path / "requests.log"), map(str, range(FIRST_CHAT, FIRST_CHAT + PEOPLE))
    )
    assert (sends.lost, sends.duplicates) == (0, 0)
    assert sends.most_in_a_second <= RATE  # in no sliding second together above the limit
    # (how many 429s a busy machine's jitter causes is a timing: bench/broadcast_rate.py two-*)
    assert all(shares) and sum(shares) == PEOPLE, shares  # both sent their part
