"""Broadcast delivery rate against strict fake Bot API and Twilio servers.

    python -m bench.broadcast_rate [free] [paid] [two-free] [two-paid] [crash] [crash-fast]
        [--repeats 3] [--postgres URL]

free:      3,000 Telegram recipients at the real 30 messages/s.
paid:      20,000 Telegram recipients at 1,000/s with allow_paid_broadcast (TELEGRAM_PAID_BROADCAST).
two-free, two-paid: the same with two `kenesh serve` processes on one PostgreSQL database.
crash:     5,000 recipients, half on Telegram (30/s) and half on SMS (30/s): `kenesh serve` is
           SIGKILLed at 40 % and started again. crash-fast: the same at 250/s (paid) and 100/s.

Each fake runs as its own process (`python -m tests.fakes.serve … --lean --log FILE`) and enforces
its limits exactly: at most N accepted sends in any sliding second overall and one a second per
Telegram chat, 429 with `retry_after` beyond. Every figure comes from the fakes' request logs:
the achieved rate (accepted sends between the first and the last, minus the restart in the crash
runs, as a fraction of the limit), the share of requests answered 429, the busiest sliding second,
lost recipients (expected, never reached) and duplicates (the same content accepted twice by one
recipient). `kenesh serve` is the real command with the shipped defaults (OUTBOX_STALE_SECONDS
included); each repeat has its own database, dropped afterwards. The machine's load is printed
at the start and the end: the machine is shared, so read figures beside it.

CPU per send is CPU time (user + system, from /proc) of the `kenesh serve` process(es) between
the first poll that sees a message finished and the last, divided by the messages finished
meanwhile: unlike the rate, it does not depend on what else the machine is doing. `--profile
FILE` runs the (first) server under cProfile and writes its stats there (the CPU figure then
includes the profiler's own cost).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text

from bench.common import (
    cpu_seconds,
    drop_postgres,
    free_port,
    fresh_postgres,
    load,
    min_median,
    populate,
)
from handlers.broadcasts.broadcasts import create_broadcast, queue_broadcast
from models import Audience, OutboxMessage
from models.db import create_engine, create_sessionmaker
from tests.fakes.request_log import Summary, read_log, summarize
from tests.fakes.serve import serving
from tests.fakes.twilio_api import FakeTwilio

PG = "postgresql://postgres@127.0.0.1:5432/postgres"
TOKEN = "123456:BENCH-token"
KENESH = str(Path(sys.executable).parent / "kenesh")
TEXTS = {
    "ky": "Коомдук угуу 5-декабрда саат 10до айыл өкмөтүндө болот.",
    "ru": "Общественные слушания 5 декабря в 10:00 в айыл окмоту.",
}


# `kenesh serve` under cProfile; the stats written when SIGTERM ends it (uvicorn raises the
# signal again once shut down, to the handler that was there before it)
PROFILED = """
import cProfile, signal, sys
from bot.cli import main
profile = cProfile.Profile()
def stop(*_):
    profile.disable()
    profile.dump_stats({path!r})
    sys.exit(0)
signal.signal(signal.SIGTERM, stop)
sys.argv = ["kenesh", "serve"]
profile.enable()
main()
"""


@dataclass
class Run:
    name: str
    people: int
    telegram_rate: float
    paid: bool = False
    sms_rate: float | None = None  # None: Telegram only
    kill_at: float | None = None  # fraction sent when the process is killed
    processes: int = 1


RUNS = {
    "free": Run("free", 3_000, 30),
    "paid": Run("paid", 20_000, 1_000, paid=True),
    "two-free": Run("two-free", 3_000, 30, processes=2),
    "two-paid": Run("two-paid", 20_000, 1_000, paid=True, processes=2),
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


async def recipients(url: str, channel: str) -> list[str]:
    """The addresses the broadcast went to on `channel`, as the fake logs them."""
    engine = create_engine(url)
    async with engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT value FROM addresses WHERE channel = :channel"), {"channel": channel}
        )
        values = [row.value for row in rows]
    await engine.dispose()
    return values


async def finished(url: str) -> int:
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session:
        done = await session.scalar(
            select(func.count()).where(OutboxMessage.status.in_(("sent", "failed", "skipped")))
        )
    await engine.dispose()
    return done or 0


def serve(
    url: str, run: Run, telegram: str, twilio: str | None, profile: str | None = None
) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "QUIET_HOURS": "",  # a benchmark sends now, whatever the hour
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": telegram,
        "TELEGRAM_POLLING_TIMEOUT": "1",
        "TELEGRAM_RATE": str(run.telegram_rate),
        "TELEGRAM_PAID_BROADCAST": "true" if run.paid else "false",
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
    command = [KENESH, "serve"]
    if profile:
        command = [sys.executable, "-c", PROFILED.format(path=profile)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)


def without_restart(summary: Summary, times: list[float]) -> float:
    """Accepted sends a second, the longest pause (the restart) left out."""
    gaps = [b - a for a, b in itertools.pairwise(times)]
    span = times[-1] - times[0] - max(gaps, default=0.0)
    return (len(times) - 2) / span if span > 0 else summary.rate


@dataclass
class Figures:
    """One channel's figures of one repeat."""

    channel: str
    limit: float
    summary: Summary
    achieved: float  # of the limit
    cpu_ms: float | None = None  # CPU of the server process(es) per message finished

    def line(self) -> str:
        s = self.summary
        return (
            f"  {self.channel:8} limit {self.limit:>5.0f}/s  accepted {s.accepted:>6,}  "
            f"achieved {self.achieved:.3f} of the limit  429s {s.throttled} "
            f"({s.throttled_share:.2%} of {s.requests:,} requests)  busiest second "
            f"{s.most_in_a_second}  lost {s.lost}  duplicates {s.duplicates}"
            + (f"  CPU {self.cpu_ms:.3f} ms per send" if self.cpu_ms is not None else "")
        )


async def bench(
    run: Run, server_url: str, folder: Path, profile: str | None = None
) -> list[Figures]:
    url = await fresh_postgres(server_url)
    try:
        home = await populate(url, run.people, sms_share=0.5 if run.sms_rate else 0.0)
        assert await queue_all(url, home) == run.people
        channels = [("telegram", run.telegram_rate)]
        if run.sms_rate:
            channels.append(("sms", run.sms_rate))
        expected = {channel: await recipients(url, channel) for channel, _ in channels}
        logs = {
            channel: folder / f"{run.name}-{channel}-{time.time_ns()}.log" for channel in expected
        }
        telegram_options = ["--rate", "30", "--per-chat", "1", "--lean"]
        if run.paid:
            telegram_options += ["--paid-rate", str(run.telegram_rate)]
        telegram_options += ["--log", str(logs["telegram"])]
        twilio_options = ["--rate", str(run.sms_rate or 1), "--lean"]
        if run.sms_rate:
            twilio_options += ["--log", str(logs["sms"])]
        async with (
            serving("telegram", *telegram_options) as telegram,
            serving("twilio", *twilio_options) as twilio,
        ):
            sms_url = twilio.base_url if run.sms_rate else None
            processes = [
                serve(url, run, telegram.base_url, sms_url, profile if i == 0 else None)
                for i in range(run.processes)
            ]
            started, killed = time.monotonic(), False
            first: tuple[int, float] | None = None  # (finished, CPU) at the first poll with some
            last: tuple[int, float] | None = None
            try:
                while True:
                    await asyncio.sleep(0.5)
                    done = await finished(url)
                    if not killed:
                        cpu = sum(cpu_seconds(p.pid) for p in processes)
                        if first is None and done > 0:
                            first = (done, cpu)
                        elif first is not None:
                            last = (done, cpu)
                    if run.kill_at and not killed and done >= run.kill_at * run.people:
                        os.kill(processes[0].pid, signal.SIGKILL)
                        processes[0].wait()
                        killed = True
                        processes[0] = serve(url, run, telegram.base_url, sms_url)
                    if done >= run.people or time.monotonic() - started > run.people / 10 + 600:
                        break
                await asyncio.sleep(1.0)  # a repeated send would arrive by now
            finally:
                for process in processes:
                    process.terminate()
                for process in processes:
                    process.wait()
    finally:
        await drop_postgres(url)
    figures = []
    for channel, limit in channels:
        sends = read_log(logs[channel])
        summary = summarize(sends, expected[channel])
        rate = summary.rate
        if killed:
            rate = without_restart(summary, sorted(s.at for s in sends if s.accepted))
        cpu_ms = None
        if first and last and last[0] > first[0] and len(channels) == 1:
            cpu_ms = (last[1] - first[1]) * 1000 / (last[0] - first[0])
        figures.append(Figures(channel, limit, summary, rate / limit, cpu_ms))
    return figures


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs", nargs="*", metavar="RUN", help=f"any of {', '.join(RUNS)}")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--postgres", default=PG, help="a server URL; each repeat makes its own database there"
    )
    parser.add_argument("--profile", help="run the server under cProfile, its stats to this file")
    args = parser.parse_args()
    unknown = set(args.runs) - set(RUNS)
    if unknown:
        parser.error(f"unknown runs {', '.join(sorted(unknown))}; choose from {', '.join(RUNS)}")
    print(f"start: {load()}", flush=True)
    with tempfile.TemporaryDirectory() as folder:
        for name in args.runs or ["free", "paid", "two-free", "two-paid"]:
            run = RUNS[name]
            repeats: list[list[Figures]] = []
            for repeat in range(args.repeats):
                figures = await bench(run, args.postgres, Path(folder), args.profile)
                repeats.append(figures)
                print(
                    f"{run.name} #{repeat + 1}: {run.people:,} recipients, "
                    f"{run.processes} kenesh serve process(es); {load()}",
                    flush=True,
                )
                for channel in figures:
                    print(channel.line(), flush=True)
            for position, channel in enumerate(repeats[0]):
                shares = [r[position].achieved for r in repeats]
                throttled = [r[position].summary.throttled_share * 100 for r in repeats]
                bad = sum(
                    r[position].summary.lost + r[position].summary.duplicates for r in repeats
                )
                cpu = [r[position].cpu_ms for r in repeats if r[position].cpu_ms is not None]
                print(
                    f"{run.name} {channel.channel}: achieved {min_median(shares)}; "
                    f"429s % {min_median(throttled, 2)}; lost + duplicates over all repeats {bad}"
                    + (f"; CPU ms per send {min_median(cpu)}" if cpu else ""),
                    flush=True,
                )
    print(f"end: {load()}")


if __name__ == "__main__":
    asyncio.run(main())
