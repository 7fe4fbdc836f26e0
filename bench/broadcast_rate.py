"""Broadcast delivery rate against fake Bot API and Twilio servers that enforce their limits.

    python -m bench.broadcast_rate [free] [paid] [crash] [crash-fast] [--postgres URL]

free:  3,000 Telegram recipients at the real 30 messages/s.
paid:  100,000 Telegram recipients at 1,000/s with allow_paid_broadcast (TELEGRAM_PAID_BROADCAST).
crash: 5,000 recipients, half on Telegram (30/s) and half on SMS (30/s): `kenesh serve` is
       SIGKILLed at 40 % and started again. crash-fast: the same at 250/s (paid) and 100/s.

Each fake runs as its own process (`python -m tests.fakes.serve … --lean`) and answers 429 with
`retry_after` above its limit; `kenesh serve` is the real command. Printed per run: the achieved
rate as a fraction of the limit (time between the first and the last send, minus the restart
in `crash`), the 429s, duplicate deliveries, lost recipients.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import aiohttp
from sqlalchemy import func, select

from bench.common import free_port, fresh_postgres, populate
from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast
from models import Audience, OutboxMessage, OutboxStatus
from models.db import create_engine, create_sessionmaker
from tests.fakes.serve import serving
from tests.fakes.twilio_api import FakeTwilio

PG = "postgresql://postgres@127.0.0.1:5432/postgres"
TOKEN = "123456:BENCH-token"
KENESH = str(Path(sys.executable).parent / "kenesh")
TEXTS = {
    "ky": "Коомдук угуу 5-декабрда саат 10до айыл өкмөтүндө болот.",
    "ru": "Общественные слушания 5 декабря в 10:00 в айыл окмоту.",
}


@dataclass
class Run:
    name: str
    people: int
    telegram_rate: float
    paid: bool = False
    sms_rate: float | None = None  # None: Telegram only
    kill_at: float | None = None  # fraction sent when the process is killed


RUNS = {
    "free": Run("free", 3_000, 30),
    "paid": Run("paid", 100_000, 1_000, paid=True),
    "crash": Run("crash", 5_000, 30, sms_rate=30, kill_at=0.4),
    "crash-fast": Run("crash-fast", 5_000, 250, paid=True, sms_rate=100, kill_at=0.4),
}


async def queue_all(url: str, home: int) -> int:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        broadcast = await create_broadcast(
            session, None, municipality_id=home, audience=Audience.residents, texts=TEXTS
        )
        queued = await queue_broadcast(session, broadcast)
    await engine.dispose()
    return queued


async def progress(url: str) -> dict[str, int]:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        rows = await session.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        states = {str(status): count for status, count in rows.all()}
    await engine.dispose()
    return states


async def send_times(url: str, channel: str) -> list[datetime]:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        times = list(
            (
                await session.scalars(
                    select(OutboxMessage.sent_at)
                    .where(
                        OutboxMessage.channel == channel,
                        OutboxMessage.status == OutboxStatus.sent,
                    )
                    .order_by(OutboxMessage.sent_at)
                )
            ).all()
        )
    await engine.dispose()
    return times


def achieved(times: list[datetime], rate: float, restarted: bool) -> float:
    """Sends a second between the first and the last send, minus the longest pause (the
    restart) when there was one, as a fraction of `rate`."""
    stamps = [t.timestamp() for t in times]
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    span, intervals = stamps[-1] - stamps[0], len(stamps) - 1
    if restarted and gaps:
        span, intervals = span - max(gaps), intervals - 1
    return intervals / span / rate


def serve(url: str, run: Run, telegram: str, twilio: str | None) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QUIET_HOURS": "",  # a benchmark sends now, whatever the hour
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": telegram,
        "TELEGRAM_POLLING_TIMEOUT": "1",
        "TELEGRAM_RATE": str(run.telegram_rate),
        "TELEGRAM_PAID_BROADCAST": "true" if run.paid else "false",
        "OUTBOX_STALE_SECONDS": "12",
        "SEND_TIMEOUT_SECONDS": "2",
        "HTTP_PORT": str(free_port()),
        "LOG_LEVEL": "WARNING",
    }
    if twilio:
        fake = FakeTwilio()
        env |= {
            "TWILIO_ACCOUNT_SID": fake.account_sid,
            "TWILIO_AUTH_TOKEN": fake.auth_token,
            "TWILIO_FROM": "+996700000001",
            "TWILIO_API_URL": twilio,
            "PUBLIC_URL": "http://127.0.0.1:9",
            "SECRET_KEY": "bench-secret-key-of-at-least-32-characters",
            "TELEGRAM_WEBHOOK_SECRET": "bench-secret",  # a public URL means webhook mode
            "SMS_RATE": str(run.sms_rate),
        }
    return subprocess.Popen([KENESH, "serve"], env=env, stdout=subprocess.DEVNULL)


async def stats(client: aiohttp.ClientSession, base_url: str) -> dict:
    async with client.get(f"{base_url}/_fake/stats") as response:
        return await response.json()


async def bench(run: Run, server_url: str) -> None:
    url = await fresh_postgres(server_url, "kenesh_bench_rate")
    home = await populate(url, run.people, sms_share=0.5 if run.sms_rate else 0.0)
    queued = await queue_all(url, home)
    assert queued == run.people, queued
    telegram_options = ["--rate", "30", "--per-chat", "1", "--lean"]
    if run.paid:
        telegram_options += ["--paid-rate", str(run.telegram_rate)]
    async with (
        serving("telegram", *telegram_options) as telegram,
        serving("twilio", "--rate", str(run.sms_rate or 1), "--lean") as twilio,
        aiohttp.ClientSession() as client,
    ):
        sms_url = twilio.base_url if run.sms_rate else None
        process = serve(url, run, telegram.base_url, sms_url)
        started, killed = time.monotonic(), False
        try:
            while True:
                await asyncio.sleep(0.5)
                states = await progress(url)
                done = states.get("sent", 0) + states.get("failed", 0)
                if run.kill_at and not killed and done >= run.kill_at * run.people:
                    os.kill(process.pid, signal.SIGKILL)
                    process.wait()
                    killed = True
                    process = serve(url, run, telegram.base_url, sms_url)
                if done >= run.people or time.monotonic() - started > run.people / 10 + 600:
                    break
        finally:
            process.terminate()
            process.wait()
        fakes = [await stats(client, telegram.base_url)]
        if sms_url:
            fakes.append(await stats(client, twilio.base_url))
    await report(run, fakes, await progress(url), url, killed)


async def report(
    run: Run, fakes: list[dict], states: dict[str, int], url: str, killed: bool
) -> None:
    channels = [("telegram", run.telegram_rate)]
    if run.sms_rate:
        channels.append(("sms", run.sms_rate))
    recipients = sum(fake["recipients"] for fake in fakes)
    print(
        f"{run.name}: {run.people:,} recipients, outbox {states}; "
        f"lost {run.people - recipients}, duplicates {sum(f['duplicates'] for f in fakes)}, "
        f"429s {sum(f['throttled'] for f in fakes)}" + (", killed and restarted" if killed else "")
    )
    for (channel, rate), fake in zip(channels, fakes, strict=True):
        ours = achieved(await send_times(url, channel), rate, killed)
        span = fake["last_sent_at"] - fake["first_sent_at"]
        theirs = (fake["ok"] - 1) / span / rate if span else 0.0
        print(
            f"  {channel:8} limit {rate:>5.0f}/s  sent {fake['ok']:>7,}  "
            f"achieved {ours:.3f} of the limit (outbox times"
            + (", restart excluded)" if killed else f"; {theirs:.3f} by the fake's clock)")
            + f"  max in any second {fake['max_per_second']}"
        )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", metavar="RUN", help=f"any of {', '.join(RUNS)} (all)")
    parser.add_argument(
        "--postgres", default=PG, help="a server URL; uses database kenesh_bench_rate"
    )
    args = parser.parse_args()
    unknown = set(args.runs) - set(RUNS)
    if unknown:
        parser.error(f"unknown runs {', '.join(sorted(unknown))}; choose from {', '.join(RUNS)}")
    for name in args.runs or RUNS:
        await bench(RUNS[name], args.postgres)


if __name__ == "__main__":
    asyncio.run(main())
