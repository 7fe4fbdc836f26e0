"""A domain declares its flows, menu entries, commands, jobs and routes once, and the menu,
`kenesh --help` and its dispatch, the tick and the HTTP app all find them: adding one touches
its own package and nothing else. Declarations that cannot work are refused at start."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from types import SimpleNamespace

import httpx
import pytest
from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncSession

import handlers
from bot.app import App
from bot.cli import build_parser, main
from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.menu import MenuEntry
from bot.extensions import Command, Invocation
from bot.http import create_http_app
from bot.runtime import Runtime
from bot.schedule import Job, Tick
from bot.settings import Settings
from bot.wiring import load
from tests.conftest import Database, clear
from tests.factories import Chat, onboard

RAN: list[str] = []


async def _greet(ctx: Context) -> str | None:
    ctx.say("Hello from the throwaway domain!")
    return None


def build_hello() -> Flow:
    return Flow("hello", [], _greet)


async def _hello_command(invocation: Invocation) -> int:
    print(f"hello, {invocation.args.name}")
    return 0


def _hello_arguments(parser) -> None:
    parser.add_argument("name")


async def _hello_job(session: AsyncSession, tick: Tick) -> int:
    RAN.append(tick.settings.default_language)
    return 1


def _hello_routes(app: App) -> APIRouter:
    router = APIRouter()

    @router.get("/hello")
    async def hello() -> dict[str, str]:
        return {"hello": app.settings.default_language}

    return router


THROWAWAY = SimpleNamespace(
    FLOWS=(build_hello,),
    MENU=(MenuEntry("hello", "Say hello", 175),),
    COMMANDS=(
        Command("hello", "greet someone from the command line", _hello_command, _hello_arguments),
    ),
    JOBS=(Job("hello job", _hello_job, "hello job greeted %s"),),
    ROUTES=(_hello_routes,),
)


@pytest.fixture
async def with_throwaway(database: Database) -> App:
    await clear(database)
    extensions = load([*handlers.DOMAINS, THROWAWAY])
    settings = Settings(database_url=database.url)
    return extensions.assemble(settings, database.engine, database.sessions)


async def test_a_new_domain_is_in_the_menu_the_help_the_tick_and_the_http_app(
    with_throwaway: App, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    person = Chat(with_throwaway, "newcomer")
    await onboard(person)
    assert "Say hello" in person.screen  # the main menu lists it, after Help
    await person.choose("Say hello")
    assert "Hello from the throwaway domain!" in person.screen

    extensions = load([*handlers.DOMAINS, THROWAWAY])
    assert "greet someone from the command line" in build_parser(extensions.commands).format_help()
    # the real entry point, on its own loop (as the console script runs it)
    assert await asyncio.to_thread(main, ["hello", "Aigul"], extensions) == 0
    assert "hello, Aigul" in capsys.readouterr().out

    RAN.clear()
    with caplog.at_level(logging.INFO, logger="kenesh"):
        await Runtime(with_throwaway).tick()
    assert RAN == ["ky"] and "hello job greeted 1" in caplog.text

    transport = httpx.ASGITransport(app=create_http_app(with_throwaway))
    async with httpx.AsyncClient(transport=transport, base_url="http://kenesh") as client:
        assert (await client.get("/hello")).json() == {"hello": "ky"}


def test_the_shipped_domains_are_all_wired() -> None:
    extensions = load()
    registry = extensions.flow_registry()
    for entry in extensions.entries:  # every menu entry starts a flow that exists
        assert entry.flow in registry
    names = [c.name for c in extensions.commands]
    assert names[:5] == ["serve", "chat", "db", "seed", "invite"]  # the platform's first
    assert {"broadcast", "tenders", "open311", "services", "surveys"} <= set(names)
    assert {j.name for j in extensions.jobs} >= {"tender reminders", "survey invitations"}


def test_a_menu_entry_for_a_flow_that_is_not_there_is_refused() -> None:
    extensions = load()
    dropped = replace(
        extensions, flows=tuple(f for f in extensions.flows if f().name != "staff_tenders")
    )
    with pytest.raises(ValueError, match="no flow 'staff_tenders'"):
        dropped.flow_registry()


def test_two_commands_of_one_name_are_refused() -> None:
    twice = SimpleNamespace(COMMANDS=(Command("serve", "another serve", _hello_command),))
    with pytest.raises(ValueError, match="command 'serve' declared twice"):
        load([*handlers.DOMAINS, twice])
