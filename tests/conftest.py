"""Shared fixtures. `database` is parametrised: every test that uses it runs on SQLite, and again
on PostgreSQL when DATABASE_URL points at one."""

from __future__ import annotations

import asyncio
import os
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.app import App
from bot.reference import seed_if_empty
from bot.settings import Settings
from bot.wiring import load
from models.db import create_engine, create_sessionmaker, upgrade_database
from tests.factories import Chat

# No quiet hours in tests unless a test sets them: bulk must not wait for the clock of the run
# (the `kenesh` processes tests start inherit this too)
os.environ.setdefault("QUIET_HOURS", "")

REPOSITORY = Path(__file__).resolve().parent.parent
SHARED = REPOSITORY.parent / "shared"  # what every developer and CI run has beside the checkout


def ocds_schema_dir() -> Path:
    """The official OCDS 1.1.5 schema: OCDS_SCHEMA_DIR when set, else `shared/ocds-1.1.5` beside
    the checkout or beside any folder above it (a worktree at /work/wt/<name> finds
    /work/wt/shared, the main checkout /work/shared). Missing, the test fails, never skips: a
    check that silently does not run in another checkout is no check."""
    override = os.environ.get("OCDS_SCHEMA_DIR")
    if override:
        found = Path(override).expanduser()
        assert (found / "release-schema.json").is_file(), (
            f"OCDS_SCHEMA_DIR={override} holds no release-schema.json"
        )
        return found
    tried = [folder / "shared" / "ocds-1.1.5" for folder in REPOSITORY.parents]
    for candidate in tried:
        if (candidate / "release-schema.json").is_file():
            return candidate
    raise AssertionError(
        "the official OCDS 1.1.5 schema is missing: set OCDS_SCHEMA_DIR to its folder, or put it"
        f" at {SHARED / 'ocds-1.1.5'} (looked in {', '.join(map(str, tried))})"
    )


POSTGRES_URL = os.environ.get("DATABASE_URL", "")
BACKENDS = ["sqlite"] + (["postgres"] if POSTGRES_URL.startswith("postgres") else [])
# pytest-xdist runs several workers at once: each gets databases of its own (gw0, gw1, …)
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")

# Everything a test may write; reference data (municipalities, categories) stays.
MUTABLE_TABLES = (
    "audit_events",
    "unlisted_places",
    "web_sessions",
    "web_sign_in_links",
    "outbox_tallies",
    "outbox_messages",
    "broadcasts",
    "send_windows",
    "route_states",
    "survey_answers",
    "survey_invitations",
    "survey_questions",
    "surveys",
    "beneficiaries",
    "services",
    "api_keys",
    "tender_reminders",
    "tender_releases",
    "tenders",
    "subscriptions",
    "organization_categories",
    "organization_municipalities",
    "need_status_changes",
    "need_supports",
    "group_answers",
    "needs",
    "invites",
    "conversation_states",
    "processed_inbound",
    "addresses",
    "persons",
    "organizations",
)


# Tasks that run until stopped, by the start of their name. Tests share one event loop, so one
# left running keeps claiming the next tests' outbox rows (and sends them to a fake that is gone).
LONG_RUNNING = ("outbox-worker", "telegram-polling")


@pytest.fixture(autouse=True)
async def nothing_left_running(request: pytest.FixtureRequest) -> AsyncIterator[None]:
    """Fail the test that leaves a worker or a poller running, or a SQLite write transaction
    open (every transaction there takes the write lock), and stop what it left."""
    uses = request.getfixturevalue("database") if "database" in request.fixturenames else None
    yield
    if uses is not None and uses.backend == "sqlite":
        assert await asyncio.to_thread(_writable, uses.url), (
            "the test left a transaction open on the SQLite database (every later test waits "
            "for its lock): close every session and engine it opens"
        )
    left = [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith(LONG_RUNNING) and not task.done()
    ]
    for task in left:
        task.cancel()
    await asyncio.gather(*left, return_exceptions=True)
    assert not left, (
        f"the test left {', '.join(sorted(t.get_name() for t in left))} running: "
        "stop every worker, runtime and channel it starts (in a finally or a fixture)"
    )


def _writable(url: str) -> bool:
    """Whether a writer can take the SQLite database of `url` within two seconds."""
    connection = sqlite3.connect(url.split(":///", 1)[1], timeout=2)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.rollback()
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        connection.close()


@dataclass
class Database:
    """A migrated, seeded database for one backend."""

    backend: str
    url: str
    engine: AsyncEngine
    sessions: async_sessionmaker


def backend_url(backend: str, tmp: Path) -> str:
    """The URL of the test database on `backend`."""
    if backend == "sqlite":
        return f"sqlite+aiosqlite:///{tmp / 'kenesh-test.db'}"
    url = Settings(database_url=POSTGRES_URL).database_url
    return f"{url}_{WORKER}" if WORKER else url


def database_name(name: str) -> str:
    """A database of this run's own, named after the suite's (`test_kenesh_cli`, or
    `test_gw1_kenesh_cli` under xdist): two checkouts testing on one server never share one."""
    suite = backend_url("postgres", Path()).rsplit("/", 1)[1]
    return f"{suite}_{name}"


async def create_database(url: str) -> None:
    """Create the PostgreSQL database of `url` if it does not exist (a worker's own)."""
    server, name = url.rsplit("/", 1)
    admin = create_engine(f"{server}/postgres", isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        exists = await connection.scalar(
            text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
        )
        if not exists:
            await connection.execute(text(f'CREATE DATABASE "{name}"'))
    await admin.dispose()


async def reset_schema(url: str) -> None:
    """An empty PostgreSQL public schema (SQLite tests use a fresh file)."""
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Database]:
    backend = request.param
    url = backend_url(backend, tmp_path_factory.mktemp(backend))
    if backend == "postgres":
        if WORKER:
            await create_database(url)
        await reset_schema(url)
    engine = create_engine(url)
    await upgrade_database(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        await seed_if_empty(session)
    yield Database(backend, url, engine, sessions)
    await engine.dispose()


async def clear(database: Database) -> None:
    """Remove everything tests write, keep the reference data."""
    async with database.engine.begin() as connection:
        if database.backend == "postgres":
            await connection.execute(
                text(f"TRUNCATE {', '.join(MUTABLE_TABLES)} RESTART IDENTITY CASCADE")
            )
        else:
            for table in MUTABLE_TABLES:
                await connection.execute(text(f"DELETE FROM {table}"))


def make_app(database: Database, **settings: object) -> App:
    """An App on the test database (several may share it, like several processes)."""
    # tests count the answers of two or three people: figures of any group are shown unless a
    # test asks for REPORT_MIN_GROUP (its own tests do)
    settings.setdefault("report_min_group", 1)
    config = Settings(database_url=database.url, **settings)
    return load().assemble(config, database.engine, database.sessions)


@pytest.fixture
async def app(database: Database) -> App:
    await clear(database)
    return make_app(database)


@pytest.fixture
def chat(app: App):
    """A factory of simulated people: `await chat("alice")`."""

    def _chat(address: str) -> Chat:
        return Chat(app, address)

    return _chat


@pytest.fixture
async def cli_env(database: Database, tmp_path: Path) -> AsyncIterator[dict[str, str]]:
    """Environment for a fresh, empty database of the current backend."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["LOG_LEVEL"] = "WARNING"
    if database.backend == "sqlite":
        env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'cli.db'}"
        yield env
        return
    name = database_name("kenesh_cli")
    admin = create_engine(database.url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        await connection.execute(text(f"CREATE DATABASE {name}"))
    env["DATABASE_URL"] = database.url.rsplit("/", 1)[0] + "/" + name
    yield env
    async with admin.connect() as connection:
        await connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
    await admin.dispose()


async def until(condition: Callable[[], Awaitable[bool]], timeout: float = 30.0) -> None:
    """Wait until `condition()` holds — the worker had its chance — polling, never a fixed
    sleep; the timeout only ends a test that would otherwise hang."""
    async with asyncio.timeout(timeout):
        while not await condition():
            await asyncio.sleep(0.02)
