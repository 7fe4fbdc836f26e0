"""Inbound SMS through Twilio's signed webhook: group commit against the one-by-one path,
interleaved in one run, on SQLite and PostgreSQL, repeated.

    python -m bench.sms_inbound [--repeats 3] [--rate 100] [--seconds 10] [--postgres URL]
        [--only sqlite|postgres]

Simulated residents, each at the "describe the need" question, send one description each, as
Twilio posts it: a form signed with twilio's own `RequestValidator`, at a fixed `--rate` (open
loop: sent on schedule whatever the answers). Kenesh handles each for real (the STOP/HELP check,
the route, the turn, the next question answered in TwiML with its outbox row) in `kenesh serve`,
its own process, with the shipped defaults but for SMS_GROUP_COMMIT (`true` or `false`, the
one-by-one path). Each side of a repeat has its own database (an SQLite file, or a uniquely
named PostgreSQL database dropped afterwards). A missing reply (an answer without <Message>)
fails the run; a webhook answered with an error (the one-by-one path, overloaded, times out
waiting for a connection and answers 500) is counted and printed beside the run's figures.

Printed per run, then min and median over the repeats:
- CPU ms per SMS: CPU time (user + system, /proc) of the server process during the load, divided
  by the SMS sent: a figure the machine's other work does not change much, unlike latency;
- transactions per SMS (PostgreSQL): commits and rollbacks of the bench's database during the
  load (pg_stat_database), less what the idle server does in as long (the delivery worker's and
  the ticks' own, measured for a few seconds before the load), divided by the SMS; the figure
  with the idle server's transactions left in is printed beside it;
- p50 and p99 of the webhook's answer from each SMS's scheduled time: indicative only, since the
  machine is shared.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
from sqlalchemy import insert, select, text
from twilio.request_validator import RequestValidator

from bench.common import (
    cpu_seconds,
    drop_postgres,
    free_port,
    fresh_postgres,
    load,
    min_median,
    sms_number,
)
from bench.telegram_webhook import TEXT, percentile
from bot.reference import seed_if_empty
from models import Address, ConversationState, Person
from models.db import create_engine, create_sessionmaker, upgrade_database
from tests.fakes.serve import serving
from tests.fakes.twilio_api import FakeTwilio

PUBLIC = "https://bench.example"
PATH = "/sms/twilio"
TWILIO = FakeTwilio()  # not started: its credentials
FROM = "+996700000001"
ROOT = Path(__file__).resolve().parent.parent


async def prepare(url: str, users: int) -> list[int]:
    """A migrated database with `users` SMS residents, each on the description question."""
    engine = create_engine(url)
    await upgrade_database(engine)
    async with create_sessionmaker(engine)() as session, session.begin():
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
            [{"person_id": pid, "channel": "sms", "value": sms_number(pid)} for pid in ids],
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
    return list(ids)


async def transactions(url: str) -> int | None:
    """Commits and rollbacks of the database of `url` so far (PostgreSQL's statistics)."""
    if not url.startswith("postgresql"):
        return None
    server, name = url.rsplit("/", 1)
    engine = create_engine(server + "/postgres")
    async with engine.connect() as connection:
        await connection.execute(text("SELECT pg_stat_clear_snapshot()"))
        count = await connection.scalar(
            text("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = :n"),
            {"n": name},
        )
    await engine.dispose()
    return int(count or 0)


async def settled(url: str) -> int | None:
    """The transaction count once PostgreSQL has flushed its statistics (at most every second
    from an idle backend)."""
    await asyncio.sleep(1.5)
    return await transactions(url)


def signed(phone: str, sid: str, body: str) -> tuple[bytes, dict[str, str]]:
    params = {
        "MessageSid": sid,
        "AccountSid": TWILIO.account_sid,
        "From": phone,
        "To": FROM,
        "Body": body,
        "NumMedia": "0",
    }
    signature = RequestValidator(TWILIO.auth_token).compute_signature(PUBLIC + PATH, params)
    headers = {
        "X-Twilio-Signature": signature,
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return urlencode(params).encode(), headers


async def wait_up(port: int, process: subprocess.Popen[bytes]) -> None:
    async with aiohttp.ClientSession() as client:
        for _ in range(1200):
            if process.poll() is not None:
                raise RuntimeError("server exited during start")
            try:
                async with client.get(f"http://127.0.0.1:{port}/healthz"):
                    return
            except aiohttp.ClientError:
                await asyncio.sleep(0.1)
    raise RuntimeError("server did not start")


@dataclass
class Figures:
    side: str  # "one by one" or "group commit"
    backend: str
    sms: int
    cpu_ms: float
    transactions: float | None
    latencies: list[float]
    raw_transactions: float | None = None  # idle server's own not subtracted
    failed: dict[int, int] = field(default_factory=dict)  # webhook answers other than 200

    def line(self) -> str:
        per = "n/a"
        if self.transactions is not None and self.raw_transactions is not None:
            per = f"{self.transactions:.3f} ({self.raw_transactions:.3f} with the idle server's)"
        return (
            f"  {self.backend:<8} {self.side:<12}  {self.sms} SMS  CPU {self.cpu_ms:.2f} ms per "
            f"SMS  transactions per SMS {per}  p50 {percentile(self.latencies, 0.5) * 1e3:.0f} ms"
            f"  p99 {percentile(self.latencies, 0.99) * 1e3:.0f} ms (indicative)"
            + (f"  FAILED answers {self.failed}" if self.failed else "")
        )


async def run(args, url: str, backend: str, group: bool, twilio_api: str) -> Figures:
    users = int(args.rate * args.seconds)
    ids = await prepare(url, users)
    port = free_port()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "TWILIO_ACCOUNT_SID": TWILIO.account_sid,
        "TWILIO_AUTH_TOKEN": TWILIO.auth_token,
        "TWILIO_FROM": FROM,
        "TWILIO_API_URL": twilio_api,
        "PUBLIC_URL": PUBLIC,
        "SECRET_KEY": "bench-secret-key-of-at-least-32-characters",
        "HTTP_PORT": str(port),
        "LOG_LEVEL": "WARNING",
        "SMS_GROUP_COMMIT": "true" if group else "false",
    }
    process = subprocess.Popen([sys.executable, "-m", "bot.cli", "serve"], env=env, cwd=ROOT)
    try:
        await wait_up(port, process)
        idle_from, idle_started = await settled(url), time.monotonic()
        idle_to = await settled(url)
        idle_seconds = time.monotonic() - idle_started
        requests = [signed(sms_number(pid), f"SM{pid:032x}", TEXT.format(pid)) for pid in ids]
        latencies: list[float] = []
        missing = 0
        failed: dict[int, int] = {}  # status: how many

        async def post(client: aiohttp.ClientSession, body: bytes, headers, at: float) -> None:
            nonlocal missing
            async with client.post(
                f"http://127.0.0.1:{port}{PATH}", data=body, headers=headers
            ) as r:
                answer = await r.text()
            latencies.append(time.time() - at)
            if r.status != 200:  # e.g. 500 after 30 s waiting for a connection of the pool
                failed[r.status] = failed.get(r.status, 0) + 1
            else:
                missing += "<Message" not in answer

        before = await transactions(url)
        cpu_before = cpu_seconds(process.pid)
        started_monotonic = time.monotonic()
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as client:
            started, tasks = time.time(), []
            for i, (body, headers) in enumerate(requests):
                at = started + i / args.rate
                if (delay := at - time.time()) > 0:
                    await asyncio.sleep(delay)
                tasks.append(asyncio.create_task(post(client, body, headers, at)))
            await asyncio.gather(*tasks)
        cpu = cpu_seconds(process.pid) - cpu_before
        load_seconds = time.monotonic() - started_monotonic
        after = await settled(url)
        if missing:
            raise RuntimeError(f"{backend} {group=}: {missing} of {users} SMS got no reply")
    finally:
        process.terminate()
        process.wait(timeout=60)
    per_sms = raw = None
    if before is not None and after is not None:
        raw = (after - before) / users
    if before is not None and after is not None and idle_from is not None and idle_to is not None:
        idle_rate = (idle_to - idle_from) / idle_seconds
        # the settling pause after the load is idle time too
        idle = idle_rate * (load_seconds + 1.5)
        per_sms = max(0.0, (after - before) - idle) / users
    side = "group commit" if group else "one by one"
    return Figures(side, backend, users, cpu * 1000 / users, per_sms, latencies, raw, failed)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rate", type=float, default=100.0, help="SMS a second (open loop)")
    parser.add_argument("--seconds", type=float, default=10.0, help="how long")
    parser.add_argument(
        "--postgres",
        default=os.environ.get(
            "BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
        ),
        help="a server URL; each run makes its own uniquely named database there",
    )
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    print(f"start: {load()}; CPU figures are CPU time of the server process", flush=True)
    results: list[Figures] = []
    with tempfile.TemporaryDirectory() as folder:
        async with serving("twilio", "--lean") as twilio:
            for number in range(args.repeats):
                for backend in ("sqlite", "postgres"):
                    if args.only and backend != args.only:
                        continue
                    for group in (False, True):
                        if backend == "sqlite":
                            url = f"sqlite:///{folder}/bench-{number}-{group}.db"
                        else:
                            url = await fresh_postgres(args.postgres)
                        try:
                            figures = await run(args, url, backend, group, twilio.base_url)
                        finally:
                            if backend == "postgres":
                                await drop_postgres(url)
                        results.append(figures)
                        print(figures.line() + f"  [{load()}]", flush=True)
    print(f"over {args.repeats} repeats (min, median):")
    for backend in ("sqlite", "postgres"):
        for side in ("one by one", "group commit"):
            mine = [f for f in results if f.backend == backend and f.side == side]
            if not mine:
                continue
            line = f"  {backend:<8} {side:<12}  CPU ms per SMS {min_median([f.cpu_ms for f in mine], 2)}"
            counted = [f.transactions for f in mine if f.transactions is not None]
            if counted:
                line += f"; transactions per SMS {min_median(counted, 3)}"
                raw = [f.raw_transactions for f in mine if f.raw_transactions is not None]
                line += f" ({min_median(raw, 3)} with the idle server's)"
            p99 = [percentile(f.latencies, 0.99) * 1e3 for f in mine]
            line += f"; p99 ms {min_median(p99, 0)} (indicative)"
            errors = sum(sum(f.failed.values()) for f in mine)
            line += f"; webhook errors {errors} of {sum(f.sms for f in mine)}"
            print(line)
    print(f"end: {load()}")


if __name__ == "__main__":
    asyncio.run(main())
