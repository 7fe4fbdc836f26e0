"""Connecting to the database: the async engine, sessions, and applying migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

MIGRATIONS = Path(__file__).parent / "migrations"


def async_url(url: str) -> str:
    """The URL with an async driver: operators write plain postgresql:// and sqlite:// URLs."""
    for plain, async_ in (
        ("postgres://", "postgresql+asyncpg://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("sqlite://", "sqlite+aiosqlite://"),
    ):
        if url.startswith(plain):
            return async_ + url[len(plain) :]
    return url


def is_sqlite(url: str) -> bool:
    """Whether `url` names a SQLite database."""
    return url.startswith("sqlite")


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    """An async engine for `url`.

    On SQLite: WAL journal, foreign keys on, and every transaction started with BEGIN IMMEDIATE,
    so two processes serving the same person queue up for the write lock instead of failing
    half-way with "database is locked".
    """
    url = async_url(url)
    if not is_sqlite(url):
        # no pre-ping: it costs a round trip per transaction; a connection that died is
        # replaced on the error, and the message that met it is answered with an apology
        # A fixed pool: past it, transactions wait for a connection. "Overflow" connections
        # would be opened and closed per transaction, and opening one (TLS negotiation
        # included) costs far more than the transaction itself.
        kwargs.setdefault("pool_size", 20)
        kwargs.setdefault("max_overflow", 0)
        return create_async_engine(url, pool_recycle=1800, **kwargs)
    # One connection per process: SQLite has one writer anyway, and waiting in the pool's
    # asyncio queue is fair and prompt, where SQLite's busy handler sleeps and retries.
    kwargs.setdefault("pool_size", 1)
    kwargs.setdefault("max_overflow", 0)
    kwargs.setdefault("pool_timeout", 60)
    engine = create_async_engine(url, connect_args={"timeout": 30}, **kwargs)

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


async def add_once(session: AsyncSession, row: object) -> bool:
    """Insert `row` unless a unique constraint says it exists already; False then.

    A savepoint keeps the surrounding transaction usable after the conflict.
    """
    try:
        async with session.begin_nested():
            session.add(row)
            await session.flush()
    except IntegrityError:
        return False
    return True


async def insert_ignore(session: AsyncSession, model: type, **values: object) -> bool:
    """INSERT … ON CONFLICT DO NOTHING in one statement; True if the row was new."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = model.__table__  # type: ignore[attr-defined] - plain Core: no ORM bookkeeping
    result = await session.execute(insert(table).values(**values).on_conflict_do_nothing())
    return bool(result.rowcount)


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    """Sessions whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def _sqlite_foreign_keys(connection: Connection, value: str) -> None:
    """PRAGMA foreign_keys on the driver's connection, outside any transaction."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(f"PRAGMA foreign_keys={value}")
    finally:
        cursor.close()


def alembic_config() -> Config:
    """The Alembic configuration, built in code so no alembic.ini has to be found on disk."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade_database(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply every migration not yet applied (up to `revision`)."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # A batch migration on SQLite copies a table and drops the old one. With foreign
            # keys on, that drop would first delete every row referring to the table, cascading
            # into conversations, supports, histories. They go off for the migration only (the
            # pragma has no effect inside a transaction, so it is set before one begins).
            await connection.run_sync(_sqlite_foreign_keys, "OFF")
        try:
            async with connection.begin():
                await connection.run_sync(_upgrade)
        finally:
            if sqlite:
                await connection.run_sync(_sqlite_foreign_keys, "ON")


async def database_revision(engine: AsyncEngine) -> str | None:
    """The migration the database is at; None for a database without Kenesh's tables."""

    def _current(connection: Connection) -> str | None:
        return MigrationContext.configure(connection).get_current_revision()

    async with engine.connect() as connection:
        return await connection.run_sync(_current)


def migrations_between(old: str | None, new: str | None) -> int:
    """How many migrations lead from revision `old` (None: an empty database) to `new`."""
    if new is None or old == new:
        return 0
    script = ScriptDirectory.from_config(alembic_config())
    return sum(1 for _ in script.iterate_revisions(new, old or "base"))
