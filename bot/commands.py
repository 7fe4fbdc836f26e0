"""The platform's own `kenesh` commands: serve, chat, db upgrade, seed, invite."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
from pathlib import Path

import uvicorn

from bot.channels.simulator import Simulator
from bot.extensions import Command, Invocation, positive_days
from bot.http import create_http_app
from bot.identity.invites import create_invite
from bot.keys import require_secret_key
from bot.reference import (
    CATEGORIES_CSV,
    MUNICIPALITIES_CSV,
    seed_categories,
    seed_municipalities,
)
from bot.runtime import Runtime
from models import Address, Role
from models.db import (
    create_engine,
    create_sessionmaker,
    database_revision,
    migrations_between,
    upgrade_database,
)


async def db_upgrade(invocation: Invocation) -> int:
    """Apply migrations, and say which: created, upgraded from one revision to another, or
    already up to date."""
    engine = create_engine(invocation.settings.database_url)
    try:
        before = await database_revision(engine)
        await upgrade_database(engine)
        after = await database_revision(engine)
    finally:
        await engine.dispose()
    applied = migrations_between(before, after)
    if before is None:
        print(f"database created: {applied} migrations applied, now at revision {after}")
    elif applied:
        print(f"database upgraded from revision {before} to {after}: {applied} migrations applied")
    else:
        print(f"database is up to date (revision {after}); nothing to do")
    return 0


def _db_arguments(parser: argparse.ArgumentParser) -> None:
    actions = parser.add_subparsers(dest="db_command", required=True)
    actions.add_parser("upgrade", help="apply all migrations")


async def seed(invocation: Invocation) -> int:
    """Load reference CSVs; rows are matched by code, so running it twice changes nothing.
    Not through the app, whose start loads the bundled files into an empty database: the
    counts printed are what this command did."""
    args = invocation.args
    for path in (args.municipalities, args.categories):
        if path is not None and not path.is_file():
            raise ValueError(f"{path}: no such file")
    engine = create_engine(invocation.settings.database_url)
    try:
        await upgrade_database(engine)
        async with create_sessionmaker(engine)() as session, session.begin():
            places = await seed_municipalities(session, args.municipalities or MUNICIPALITIES_CSV)
            kinds = await seed_categories(session, args.categories or CATEGORIES_CSV)
    except OSError as error:
        raise ValueError(f"{error.filename}: {error.strerror}") from None
    finally:
        await engine.dispose()
    merged = f", {places.merged} merged into their successor" if places.merged else ""
    print(f"municipalities: {places.added} added, {places.updated} updated{merged}")
    print(f"categories: {kinds.added} added, {kinds.updated} updated")
    return 0


def _seed_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--municipalities", type=Path, help="a municipalities CSV (default: bundled)"
    )
    parser.add_argument("--categories", type=Path, help="a categories CSV (default: bundled)")


async def invite(invocation: Invocation) -> int:
    """Create a one-time invite code and print it."""
    args, settings = invocation.args, invocation.settings
    if args.role == Role.admin and args.municipality:
        raise ValueError("an admin acts for every municipality: leave out --municipality")
    app = await invocation.app()
    async with app.sessions() as session, session.begin():
        created = await create_invite(
            session, Role(args.role), args.municipality, args.days or settings.invite_ttl_days
        )
    print(created.code)
    return 0


def _invite_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--role", required=True, choices=["staff", "admin"])
    parser.add_argument("--municipality", help="municipality code (staff only, required)")
    parser.add_argument("--days", type=positive_days, help="days until the code expires (≥ 1)")


ADDRESS_LENGTH = Address.__table__.c.value.type.length


async def chat(invocation: Invocation) -> int:
    """The terminal simulator: reads lines from the keyboard or a pipe, prints the bot's replies."""
    app = await invocation.app()
    interactive = sys.stdin.isatty()
    simulator = Simulator(app.conversation, invocation.args.as_id)
    shown = await simulator.open()
    if not shown and interactive:
        print("(write anything to start; Ctrl-D to quit)")
    _print(shown)
    while True:
        if interactive:
            print("> ", end="", flush=True)
        line = await asyncio.to_thread(sys.stdin.readline)
        if not line:
            break
        if not interactive:
            print(f"> {line.rstrip()}")
        if line.strip():
            _print(await simulator.send(line))
    return 0


def simulated_id(text: str) -> str:
    """An argparse type: the simulated person's id, as an address can hold it (status 2)."""
    value = text.strip()
    if not value or not value.isprintable():
        raise argparse.ArgumentTypeError(f"{text!r}: letters, digits or signs, without controls")
    if len(value) > ADDRESS_LENGTH:
        raise argparse.ArgumentTypeError(f"at most {ADDRESS_LENGTH} characters ({len(value)})")
    return value


def _chat_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--as",
        dest="as_id",
        default="me",
        type=simulated_id,
        help=f"simulated person id, up to {ADDRESS_LENGTH} characters (default: me)",
    )


def _print(messages: list[str]) -> None:
    for message in messages:
        print(message)
        print()
    sys.stdout.flush()


async def serve(invocation: Invocation) -> int:
    """Run the HTTP app, the channels and the outbox worker until stopped."""
    settings = invocation.settings
    require_secret_key(settings)  # before anything starts: a clear refusal, exit status 2
    app = await invocation.app()
    runtime = Runtime(app)
    try:
        await runtime.start()
        config = uvicorn.Config(
            create_http_app(app, runtime.channels.values()),
            host=settings.http_host,
            port=settings.http_port,
            log_level=settings.log_level.lower(),
            # uvicorn's own handlers write text; with JSON its lines go through ours
            **({"log_config": None} if settings.log_format == "json" else {}),
        )
        # Everything loaded so far (modules, flows, catalogs, the app) lives as long as the
        # process: out of the garbage collector's sight, each full collection under load walks
        # only what requests made, not the hundreds of thousands of objects of the start.
        gc.collect()
        gc.freeze()
        await uvicorn.Server(config).serve()
    finally:
        await runtime.stop()
    return 0


COMMANDS = (
    Command("serve", "run the HTTP app and the channels (applies migrations)", serve),
    Command(
        "chat",
        "talk to the bot in the terminal (simulator channel)",
        chat,
        _chat_arguments,
        log_level="WARNING",  # log lines (on stderr) would break into the conversation
    ),
    Command("db", "database commands", db_upgrade, _db_arguments),
    Command("seed", "load municipalities and categories (idempotent)", seed, _seed_arguments),
    Command("invite", "print a one-time code that grants a role", invite, _invite_arguments),
)
