"""What each `kenesh` subcommand does (the parsing is in bot.cli)."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import uvicorn

from bot.app import start_app
from bot.channels.simulator import Simulator
from bot.identity.invites import create_invite
from bot.services.reference import (
    CATEGORIES_CSV,
    MUNICIPALITIES_CSV,
    ReferenceDataError,
    seed_categories,
    seed_municipalities,
)
from bot.settings import Settings
from models import Role
from models.db import create_engine, upgrade_database


async def db_upgrade(settings: Settings) -> int:
    """Apply migrations."""
    engine = create_engine(settings.database_url)
    try:
        await upgrade_database(engine)
    finally:
        await engine.dispose()
    print("database is up to date")
    return 0


async def seed(settings: Settings, municipalities: Path | None, categories: Path | None) -> int:
    """Load reference CSVs; rows are matched by code, so running it twice changes nothing."""
    app = await start_app(settings)
    try:
        async with app.sessions() as session, session.begin():
            places = await seed_municipalities(session, municipalities or MUNICIPALITIES_CSV)
            kinds = await seed_categories(session, categories or CATEGORIES_CSV)
    except (ReferenceDataError, OSError) as error:
        print(f"kenesh seed: {error}", file=sys.stderr)
        return 1
    finally:
        await app.close()
    print(f"municipalities: {places.added} added, {places.updated} updated")
    print(f"categories: {kinds.added} added, {kinds.updated} updated")
    return 0


async def invite(settings: Settings, role: str, municipality: str | None, days: int | None) -> int:
    """Create a one-time invite code and print it."""
    app = await start_app(settings)
    try:
        async with app.sessions() as session, session.begin():
            created = await create_invite(
                session, Role(role), municipality, days or settings.invite_ttl_days
            )
    finally:
        await app.close()
    print(created.code)
    return 0


async def chat(settings: Settings, as_id: str) -> int:
    """The terminal simulator: reads lines from the keyboard or a pipe, prints the bot's replies."""
    app = await start_app(settings)
    interactive = sys.stdin.isatty()
    simulator = Simulator(app.conversation, as_id)
    try:
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
    finally:
        await app.close()
    return 0


def _print(messages: list[str]) -> None:
    for message in messages:
        print(message)
        print()
    sys.stdout.flush()


async def serve(settings: Settings) -> int:
    """Run the HTTP app, the channels and the outbox worker until stopped."""
    from bot.http import create_http_app
    from bot.runtime import Runtime

    app = await start_app(settings)
    runtime = Runtime(app)
    try:
        await runtime.start()
        config = uvicorn.Config(
            create_http_app(app, runtime.channels.values()),
            host=settings.http_host,
            port=settings.http_port,
            log_level=settings.log_level.lower(),
        )
        await uvicorn.Server(config).serve()
    finally:
        await runtime.stop()
        await app.close()
    return 0
