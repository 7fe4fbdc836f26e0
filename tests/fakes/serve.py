"""Run the fake Bot API or Twilio server as its own process, for benchmarks.

    python -m tests.fakes.serve telegram --port P [--rate R] [--paid-rate R] [--per-chat R] [--lean]
        [--log PATH]
    python -m tests.fakes.serve twilio --port P [--rate R] [--lean] [--log PATH]
        [--account-sid AC…] [--auth-token T]

Serves on 127.0.0.1:P (``--port 0``: a free port) until SIGTERM or SIGINT, and prints one line,
``serving telegram on http://127.0.0.1:P``, once it accepts requests. Rates are sends a second
(see ``tests.fakes.limits``); ``--lean`` keeps counters only, so 100,000+ sends fit in a few
megabytes; ``--log PATH`` writes every send request to PATH, one line each
(``tests.fakes.request_log``). ``GET /_fake/stats`` answers the counters of ``tests.fakes.stats.SendStats`` as JSON:
``ok``, ``throttled``, ``failed``, ``paid``, ``duplicates``, ``recipients``, ``first_sent_at``,
``last_sent_at``, ``max_per_second`` and ``settings``; ``POST /_fake/reset`` forgets every send.

``serving()`` runs it from async code (tests, benchmarks) and stops it afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.twilio_api import FakeTwilio

ROOT = Path(__file__).resolve().parents[2]  # where ``python -m tests.fakes.serve`` resolves
READY = "serving"


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(
        prog="python -m tests.fakes.serve", description=__doc__.splitlines()[0]
    )
    parser.add_argument("service", choices=["telegram", "twilio"])
    parser.add_argument("--port", type=int, required=True, help="0: a free port")
    parser.add_argument("--rate", type=float, help="sends a second: overall, or per Twilio sender")
    parser.add_argument("--paid-rate", type=float, help="Telegram: allow_paid_broadcast sends")
    parser.add_argument("--per-chat", type=float, help="Telegram: sends a second in one chat")
    parser.add_argument("--lean", action="store_true", help="keep counters only")
    parser.add_argument("--log", help="write every send request to this file")
    parser.add_argument("--account-sid", help="Twilio: the account (default: FakeTwilio's)")
    parser.add_argument("--auth-token", help="Twilio: its auth token (default: FakeTwilio's)")
    args = parser.parse_args(argv)
    options = {
        "telegram": ("account_sid", "auth_token"),
        "twilio": ("paid_rate", "per_chat"),
    }[args.service]
    for option in options:
        if getattr(args, option) is not None:
            parser.error(f"--{option.replace('_', '-')} does not apply to {args.service}")
    return args


def build_fake(args: argparse.Namespace) -> FakeTelegram | FakeTwilio:
    """The fake the command line asks for, not started."""
    if args.service == "telegram":
        return FakeTelegram(
            rate=args.rate, paid_rate=args.paid_rate, per_chat=args.per_chat, lean=args.lean
        )
    credentials = {"account_sid": args.account_sid, "auth_token": args.auth_token}
    credentials = {key: value for key, value in credentials.items() if value is not None}
    return FakeTwilio(**credentials, rate=args.rate, lean=args.lean)


async def serve(args: argparse.Namespace) -> None:
    """Serve until SIGTERM or SIGINT."""
    fake = build_fake(args)
    if args.log:
        fake.stats.log_to(args.log)
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopping.set)
    await fake.start(args.port)
    print(f"{READY} {args.service} on {fake.base_url}", flush=True)
    try:
        await stopping.wait()
    finally:
        await fake.stop()
        fake.stats.close()


@dataclass
class ServedFake:
    """A fake running in a child process (see ``serving``)."""

    base_url: str
    process: asyncio.subprocess.Process


@contextlib.asynccontextmanager
async def serving(
    service: str, *options: str, port: int = 0, timeout: float = 30.0
) -> AsyncIterator[ServedFake]:
    """Run ``python -m tests.fakes.serve service --port port *options``; SIGTERM it afterwards."""
    command = [sys.executable, "-m", "tests.fakes.serve", service, "--port", str(port), *options]
    process = await asyncio.create_subprocess_exec(
        *command, cwd=ROOT, stdout=asyncio.subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), timeout)).decode()
        if not line.startswith(READY):
            raise RuntimeError(f"{' '.join(command)} did not start (exit {process.returncode})")
        yield ServedFake(line.split()[-1], process)
    finally:
        if process.returncode is None:
            process.terminate()
            try:
                await asyncio.wait_for(process.wait(), timeout)
            except TimeoutError:
                process.kill()
                await process.wait()


def main(argv: Sequence[str] | None = None) -> None:
    """The ``python -m tests.fakes.serve`` entry point (on uvloop when installed: less CPU)."""
    args = parse_args(argv)
    try:
        import uvloop
    except ImportError:
        asyncio.run(serve(args))
    else:
        with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
            runner.run(serve(args))


if __name__ == "__main__":
    main()
