"""Connecting to the database: the async engine, sessions, and applying migrations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
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

    On SQLite: WAL journal (readers don't wait for the writer), foreign keys on, and every
    transaction started with BEGIN IMMEDIATE, so two processes serving the same person queue up
    for the write lock instead of failing half-way with "database is locked".
    """
    url = async_url(url)
    if not is_sqlite(url):
        return create_async_engine(url, pool_pre_ping=True, **kwargs)
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


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    """Sessions whose objects stay readable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config() -> Config:
    """The Alembic configuration, built in code so no alembic.ini has to be found on disk."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


async def upgrade_database(engine: AsyncEngine) -> None:
    """Apply every migration not yet applied."""

    def _upgrade(connection: Connection) -> None:
        config = alembic_config()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")

    async with engine.begin() as connection:
        await connection.run_sync(_upgrade)
