"""Wiring: one place that builds the database engine, the flows and the conversation engine."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.conversation.engine import Conversation
from bot.identity.asides import ASIDES
from bot.metrics import Metrics
from bot.services.reference import seed_if_empty
from bot.settings import Settings
from handlers import build_flows
from models.db import create_engine, create_sessionmaker, upgrade_database

log = logging.getLogger("kenesh")


@dataclass
class App:
    """A running Kenesh: settings, database and the conversation engine."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker
    conversation: Conversation
    metrics: Metrics = field(default_factory=Metrics)

    async def close(self) -> None:
        """Release database connections."""
        await self.engine.dispose()


async def start_app(settings: Settings, *, migrate: bool = True) -> App:
    """Connect, apply migrations, load reference data into an empty database, build the flows."""
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade_database(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        if await seed_if_empty(session):
            log.info("loaded the bundled municipalities and categories")
    metrics = Metrics()
    conversation = Conversation(sessions, settings, build_flows(), metrics=metrics, asides=ASIDES)
    return App(settings, engine, sessions, conversation, metrics)
