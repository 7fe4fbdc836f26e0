"""Inbound through the Telegram webhook: Kenesh (SQLite, PostgreSQL) against a bare aiogram echo
bot, interleaved in one run and repeated.

Simulated residents, each at the "describe the need" question, send one description each. Kenesh
handles it for real: person lookup and lock, conversation step, answers saved, the next question
queued in the outbox and sent to the fake Bot API by the delivery worker. The echo bot parses the
update with aiogram and sends the text back. Both answer the webhook before their reply is sent
(Kenesh once the turn is committed, the echo bot once the update is parsed and its send started),
so the webhook latency means the same for both; the reply latency (from the update's scheduled
time to the fake's log of the reply) is printed too. Each server is its own uvicorn process on
127.0.0.1, the fake Bot API another (`python -m tests.fakes.serve telegram --log`: one send a
second per chat, no overall limit, since this measures inbound handling, not the sending limit),
the load comes from this process.

    python -m bench.telegram_webhook [--repeats 3] [--rate 100] [--seconds 15]
        [--users 2000] [--concurrency 32] [--postgres URL] [--only sqlite|postgres]

Two loads per side and repeat: open loop (updates sent at a fixed `--rate`, whatever the answers;
latency from each update's scheduled time) and saturation (`--users` updates, `--concurrency` in
flight). A missing reply (in the fake's log) fails the run. Printed per repeat, then min and median
over the repeats of each side and of Kenesh's ratio to the echo bot. CPU per update: the server
process's (user + system, replies sent included) and, on PostgreSQL, its database backends'
(found by process title). Memory: the server process's
peak RSS (VmHWM), the work PostgreSQL does in its own processes not included. Kenesh runs with the
shipped defaults but for TELEGRAM_RATE (1,000: replies to 100 people a second do not fit the free
30), in a database of its own per repeat (SQLite file, or a uniquely named PostgreSQL database,
dropped afterwards).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from sqlalchemy import insert, select, text

from bench.common import (
    cpu_seconds,
    drop_postgres,
    free_port,
    fresh_postgres,
    load,
    min_median,
    postgres_cpu_seconds,
)
from bot.reference import seed_if_empty
from models import Address, ConversationState, Person
from models.db import create_engine, create_sessionmaker, upgrade_database
from tests.fakes.request_log import read_log
from tests.fakes.serve import serving
from tests.fakes.telegram_api import FakeTelegram

SECRET = "bench-secret"
TOKEN = "123456:BENCH-token"
FIRST_CHAT = 10_000_000
ROOT = Path(__file__).resolve().parent.parent
# not started, only its update builders: one for the whole run, so update ids never repeat (a
# repeated id is a redelivery, which Kenesh rightly ignores)
BUILDERS = FakeTelegram(lean=True)
TEXT = "Our street {} has had no water for two weeks; 30 families carry it from the river."


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
        people = [
            {"language": "ky", "municipality_id": place, "consent": "given", "role": "resident"}
            for _ in range(users)
        ]
        await session.execute(insert(Person), people)
        ids = (await session.scalars(select(Person.id).order_by(Person.id))).all()
        await session.execute(
            insert(Address),
            [
                {"person_id": pid, "channel": "telegram", "value": str(FIRST_CHAT + i)}
                for i, pid in enumerate(ids)
            ],
        )
        data = {"answers": {"category": str(category)}, "history": ["category"]}
        await session.execute(
            insert(ConversationState),
            [
                {"person_id": pid, "flow": "report_need", "step": "description", "turn": 5,
                 "data": data}
                for pid in ids
            ],
        )  # fmt: skip
    await engine.dispose()


async def wait_up(port: int, process: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as client:
        for _ in range(1200):
            if process.poll() is not None:
                raise RuntimeError("server exited during start")
            try:
                async with client.post(f"http://127.0.0.1:{port}/telegram/webhook", json={}):
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


@dataclass
class Load:
    """One load's figures on one side."""

    updates: int
    seconds: float
    latencies: list[float]  # webhook answer, from the scheduled (open loop) or actual send
    reply_latencies: list[float] = field(default_factory=list)  # to the reply in the fake's log
    cpu_ms: float = 0.0  # the server process's CPU per update, replies sent included
    database_cpu_ms: float = 0.0  # PostgreSQL's backends' CPU per update (0 on SQLite)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def post_all(
    port: int, chats: list[int], rate: float | None, concurrency: int
) -> tuple[float, list[float], dict[int, float]]:
    """Post one description per chat: at `rate` a second (open loop) or with `concurrency` in
    flight. (seconds, webhook latencies, each chat's scheduled wall-clock time)."""
    updates = [(chat, BUILDERS.message(chat, text=TEXT.format(chat))) for chat in chats]
    headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
    url = f"http://127.0.0.1:{port}/telegram/webhook"
    latencies: list[float] = []
    scheduled: dict[int, float] = {}

    async def post(client: aiohttp.ClientSession, chat: int, update: dict, at: float) -> None:
        scheduled[chat] = at
        async with client.post(url, json=update, headers=headers) as response:
            if response.status != 200:
                raise RuntimeError(f"webhook answered {response.status}: {await response.text()}")
        latencies.append(time.time() - at)

    connector = aiohttp.TCPConnector(limit=0 if rate else concurrency)
    async with aiohttp.ClientSession(connector=connector) as client:
        started = time.time()
        if rate:
            tasks = []
            for i, (chat, update) in enumerate(updates):
                at = started + i / rate
                if (delay := at - time.time()) > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(post(client, chat, update, at)))
            await asyncio.gather(*tasks)
        else:
            queue = list(reversed(updates))

            async def worker() -> None:
                while queue:
                    chat, update = queue.pop()
                    await post(client, chat, update, time.time())

            await asyncio.gather(*(worker() for _ in range(concurrency)))
        seconds = time.time() - started
    return seconds, latencies, scheduled


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@dataclass
class Side:
    name: str
    loads: dict[str, Load]
    peak_mb: float


async def run_side(
    name: str, command: list[str], env: dict[str, str], port: int, fake_log: Path, args
) -> Side:
    """Start the server, run the open-loop load then the saturation load, stop it."""
    process = subprocess.Popen(command, env=env, cwd=ROOT)
    loads: dict[str, Load] = {}
    try:
        await wait_up(port, process)
        open_chats = [FIRST_CHAT + i for i in range(int(args.rate * args.seconds))]
        saturated = [FIRST_CHAT + len(open_chats) + i for i in range(args.users)]
        database = urlsplit(env.get("DATABASE_URL", "")).path.lstrip("/")
        postgres = env.get("DATABASE_URL", "").startswith("postgresql")
        for mode, chats, rate in (("open", open_chats, args.rate), ("saturation", saturated, None)):
            cpu = cpu_seconds(process.pid), postgres_cpu_seconds(database) if postgres else 0.0
            seconds, latencies, scheduled = await post_all(port, chats, rate, args.concurrency)
            loads[mode] = Load(len(chats), seconds, latencies)
            loads[mode].scheduled = scheduled  # type: ignore[attr-defined]
            # the replies are part of the work: count the CPU until they are all sent
            await wait_replies(fake_log, open_chats + saturated if mode != "open" else open_chats)
            loads[mode].cpu_ms = 1e3 * (cpu_seconds(process.pid) - cpu[0]) / len(chats)
            if postgres:
                spent = postgres_cpu_seconds(database) - cpu[1]
                loads[mode].database_cpu_ms = 1e3 * spent / len(chats)
        peak = peak_rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)
    first_reply: dict[str, float] = {}
    for send in _accepted(fake_log):
        first_reply.setdefault(send.recipient, send.at)
    for mode, figures in loads.items():
        scheduled = figures.scheduled  # type: ignore[attr-defined]
        missing = [chat for chat in scheduled if str(chat) not in first_reply]
        if missing:
            raise RuntimeError(f"{name} {mode}: {len(missing)} of {len(scheduled)} replies missing")
        figures.reply_latencies = [first_reply[str(c)] - at for c, at in scheduled.items()]
    return Side(name, loads, peak)


async def wait_replies(fake_log: Path, chats: list[int]) -> None:
    """Until every chat has a reply in the fake's log (at most two minutes; missing ones fail
    the run later)."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if len({s.recipient for s in _accepted(fake_log)}) >= len(chats):
            return
        await asyncio.sleep(0.2)


def _accepted(log: Path):
    return [send for send in read_log(log) if send.accepted] if log.exists() else []


def describe(side: Side) -> str:
    parts = []
    for mode, figures in side.loads.items():
        parts.append(
            f"{mode}: {figures.rate:6.1f}/s webhook p50 {percentile(figures.latencies, 0.5) * 1e3:6.1f}"
            f" p99 {percentile(figures.latencies, 0.99) * 1e3:7.1f} ms, reply p99 "
            f"{percentile(figures.reply_latencies, 0.99) * 1e3:7.1f} ms, CPU/update "
            f"{figures.cpu_ms:.2f} ms"
            + (f" + {figures.database_cpu_ms:.2f} ms PostgreSQL" if figures.database_cpu_ms else "")
        )
    return f"  {side.name:<18} " + " | ".join(parts) + f" | peak RSS {side.peak_mb:.0f} MB"


async def repeat_once(args, folder: Path, number: int) -> list[Side]:
    sides = []
    for name in ("echo", "sqlite", "postgres"):
        if args.only and name not in (args.only, "echo"):
            continue
        log = folder / f"{name}-{number}.log"
        options = ("--per-chat", "1", "--lean", "--log", str(log))  # inbound: no overall limit
        async with serving("telegram", *options) as fake:
            port = free_port()
            if name == "echo":
                command = [sys.executable, "-m", "bench.echo_bot", str(port), fake.base_url, SECRET]
                sides.append(
                    await run_side("aiogram echo bot", command, dict(os.environ), port, log, args)
                )
                continue
            url = (
                f"sqlite:///{folder}/bench-{number}.db"
                if name == "sqlite"
                else await fresh_postgres(args.postgres)
            )
            try:
                await prepare(url, int(args.rate * args.seconds) + args.users)
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
                    "TELEGRAM_RATE": "1000",
                }
                launcher = os.environ.get("BENCH_LAUNCHER")  # e.g. to attach a profiler
                command = [
                    sys.executable,
                    *(["-c", launcher] if launcher else ["-m", "bot.cli", "serve"]),
                ]
                sides.append(await run_side(f"kenesh ({name})", command, env, port, log, args))
            finally:
                if name == "postgres":
                    await drop_postgres(url)
    return sides


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100.0, help="open loop: updates a second")
    parser.add_argument("--seconds", type=float, default=15.0, help="open loop: how long")
    parser.add_argument("--users", type=int, default=2000, help="saturation: updates")
    parser.add_argument("--concurrency", type=int, default=32, help="saturation: in flight")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a server URL; each repeat makes its own uniquely named database there",
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    print(f"start: {load()}", flush=True)
    runs: list[list[Side]] = []
    with tempfile.TemporaryDirectory() as folder:
        for number in range(args.repeats):
            sides = await repeat_once(args, Path(folder), number)
            runs.append(sides)
            print(f"repeat {number + 1}: {load()}", flush=True)
            for side in sides:
                print(describe(side), flush=True)
    by_side: dict[str, list[Side]] = defaultdict(list)
    for sides in runs:
        for side in sides:
            by_side[side.name].append(side)
    echo = by_side["aiogram echo bot"]
    print(f"over {args.repeats} repeats (min, median):")
    for name, sides in by_side.items():
        for mode in ("open", "saturation"):
            p99 = [percentile(s.loads[mode].latencies, 0.99) * 1e3 for s in sides]
            reply = [percentile(s.loads[mode].reply_latencies, 0.99) * 1e3 for s in sides]
            rates = [s.loads[mode].rate for s in sides]
            line = (
                f"  {name:<18} {mode:<10} updates/s {min_median(rates, 1)}; webhook p99 ms "
                f"{min_median(p99, 1)}; reply p99 ms {min_median(reply, 1)}; CPU ms/update "
                f"{min_median([s.loads[mode].cpu_ms for s in sides], 2)}"
            )
            if any(s.loads[mode].database_cpu_ms for s in sides):
                database = [s.loads[mode].database_cpu_ms for s in sides]
                line += f" + PostgreSQL {min_median(database, 2)}"
            if mode == "saturation" and sides is not echo:
                ratios = [
                    s.loads[mode].rate / e.loads[mode].rate
                    for s, e in zip(sides, echo, strict=True)
                ]
                line += f"; ratio to echo {min_median(ratios, 2)}"
            print(line)
        print(
            f"  {name:<18} peak RSS MB {statistics.median(s.peak_mb for s in sides):.0f} (median)"
        )
    print(f"end: {load()}")


if __name__ == "__main__":
    asyncio.run(main())
