"""Inbound throughput through the Telegram webhook: Kenesh against a bare aiogram echo bot.

Simulated residents, each at the "describe the need" question, send one description each. Kenesh
handles it for real: person lookup and lock, conversation step, answers saved, the next question
queued in the outbox and sent to the fake Bot API by the delivery worker. The echo bot parses the
update and calls sendMessage. Both run as their own uvicorn process on 127.0.0.1 against the same
fake Bot API server; the load comes from this process.

    python -m bench.telegram_webhook [--users 2000] [--concurrency 32] [--postgres URL]

Prints updates/s, p50 and p99 latency for each, and Kenesh's ratio to the echo bot.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from sqlalchemy import text

from bench.common import free_port, fresh_postgres
from bot.reference import seed_if_empty
from models import Address, ConsentStatus, ConversationState, Person
from models.db import create_engine, create_sessionmaker, upgrade_database
from tests.fakes.telegram_api import FakeTelegram

SECRET = "bench-secret"
TOKEN = "123456:BENCH-token"
FIRST_CHAT = 10_000_000
ROOT = Path(__file__).resolve().parent.parent


async def prepare(url: str, users: int) -> None:
    """A migrated database with `users` residents, each on the description question."""
    engine = create_engine(url)
    await upgrade_database(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await seed_if_empty(session)
        place = await session.scalar(
            text("SELECT id FROM municipalities WHERE code = 'JA-SUZAK-BARPY'")
        )
        category = await session.scalar(text("SELECT id FROM categories WHERE code = 'water'"))
        for i in range(users):
            person = Person(language="ky", municipality_id=place, consent=ConsentStatus.given)
            session.add(person)
            await session.flush()
            session.add(Address(person_id=person.id, channel="telegram", value=str(FIRST_CHAT + i)))
            session.add(
                ConversationState(
                    person_id=person.id,
                    flow="report_need",
                    step="description",
                    turn=5,
                    data={"answers": {"category": str(category)}, "history": ["category"]},
                )
            )
    await engine.dispose()


async def wait_up(port: int, process: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as client:
        for _ in range(600):
            if process.poll() is not None:
                raise RuntimeError("server exited during start")
            try:
                async with client.post(
                    f"http://127.0.0.1:{port}/telegram/webhook", json={}
                ) as response:
                    if response.status in (200, 401, 422, 500):
                        return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


async def load(
    port: int, fake: FakeTelegram, users: int, concurrency: int
) -> tuple[float, list[float]]:
    """Post one description per user with `concurrency` requests in flight; (updates/s, latencies)."""
    updates = [
        fake.message(
            FIRST_CHAT + i,
            text=f"Our street {i} has had no water for two weeks; 30 families carry it.",
        )
        for i in range(users)
    ]
    latencies: list[float] = []
    queue: asyncio.Queue[dict] = asyncio.Queue()
    for update in updates:
        queue.put_nowait(update)
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    url = f"http://127.0.0.1:{port}/telegram/webhook"

    async def worker(client: aiohttp.ClientSession) -> None:
        while not queue.empty():
            update = queue.get_nowait()
            started = time.perf_counter()
            async with client.post(url, json=update, headers=headers) as response:
                assert response.status == 200, await response.text()
            latencies.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as client:
        started = time.perf_counter()
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return users / elapsed, latencies


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_kenesh(
    url: str, fake: FakeTelegram, users: int, concurrency: int
) -> tuple[float, list[float], int]:
    await prepare(url, users)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": fake.base_url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "PUBLIC_URL": "https://bench.example",
        "SECRET_KEY": "bench-secret-key-of-at-least-32-characters",
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "TELEGRAM_RATE": "100000",  # this measures inbound handling, not the sending limit
    }
    launcher = os.environ.get("BENCH_LAUNCHER")  # e.g. to attach a profiler
    command = ["-c", launcher] if launcher else ["-m", "bot.cli", "serve"]
    process = subprocess.Popen([sys.executable, *command], env=env, cwd=ROOT)
    try:
        await wait_up(port, process)
        rate, latencies = await load(port, fake, users, concurrency)
        replies_deadline = time.monotonic() + 120
        while len(fake.calls_to("sendMessage")) < users and time.monotonic() < replies_deadline:
            await asyncio.sleep(0.1)
        return rate, latencies, len(fake.calls_to("sendMessage"))
    finally:
        process.terminate()
        process.wait(timeout=30)


async def run_echo(fake: FakeTelegram, users: int, concurrency: int) -> tuple[float, list[float]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "bench.echo_bot", str(port), fake.base_url, SECRET], cwd=ROOT
    )
    try:
        await wait_up(port, process)
        return await load(port, fake, users, concurrency)
    finally:
        process.terminate()
        process.wait(timeout=30)


def line(name: str, rate: float, latencies: list[float]) -> str:
    return (
        f"{name:<22} {rate:8.1f} updates/s   p50 {percentile(latencies, 0.5) * 1000:7.1f} ms"
        f"   p99 {percentile(latencies, 0.99) * 1000:7.1f} ms"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=2000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument(
        "--postgres",
        default=os.environ.get("BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"),
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()

    fake = FakeTelegram()
    await fake.start()
    try:
        echo_rate, echo_latencies = await run_echo(fake, args.users, args.concurrency)
        print(f"{args.users} updates, {args.concurrency} in flight, {os.cpu_count()} cores")
        print(line("aiogram echo bot", echo_rate, echo_latencies))
        with tempfile.TemporaryDirectory() as folder:
            for name in ("sqlite", "postgres"):
                if args.only and name != args.only:
                    continue
                url = (
                    f"sqlite:///{folder}/bench.db"
                    if name == "sqlite"
                    else await fresh_postgres(args.postgres)
                )
                fake.calls.clear()
                rate, latencies, replies = await run_kenesh(url, fake, args.users, args.concurrency)
                print(
                    line(f"kenesh ({name})", rate, latencies)
                    + f"   ratio {rate / echo_rate:.2f}   replies sent {replies}/{args.users}"
                )
    finally:
        await fake.stop()


if __name__ == "__main__":
    asyncio.run(main())
