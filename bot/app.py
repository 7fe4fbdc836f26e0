"""A running Kenesh: settings, database, the conversation engine, and what the domains added to
the tick and the HTTP app. `bot.extensions` gathers the domains' declarations and starts one."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fastapi import APIRouter
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.channels import REGISTRY
from bot.conversation.asides import Aside
from bot.conversation.engine import Conversation
from bot.conversation.flow import FlowRegistry
from bot.metrics import Metrics
from bot.reference import seed_if_empty
from bot.schedule import Job
from bot.settings import Settings
from bot.web.pages import Pages
from bot.web.public.pages import PublicPages
from models.db import create_engine, create_sessionmaker, upgrade_database

log = logging.getLogger("kenesh")

# A domain's HTTP routes, built for one app (a router can be attached only once).
Routes = Callable[["App"], APIRouter]


@dataclass
class App:
    """A running Kenesh: settings, database, the conversation engine; the tick's jobs, the
    HTTP routes, the workspace pages and the public pages the domains declared."""

    settings: Settings
    engine: AsyncEngine
    sessions: async_sessionmaker
    conversation: Conversation
    metrics: Metrics = field(default_factory=Metrics)
    jobs: Sequence[Job] = ()
    routes: Sequence[Routes] = ()
    pages: Sequence[Pages] = ()
    public: Sequence[PublicPages] = ()

    async def close(self) -> None:
        """Release database connections."""
        await self.engine.dispose()


def assemble(
    settings: Settings,
    engine: AsyncEngine,
    sessions: async_sessionmaker,
    flows: FlowRegistry,
    jobs: Sequence[Job] = (),
    routes: Sequence[Routes] = (),
    pages: Sequence[Pages] = (),
    public: Sequence[PublicPages] = (),
    asides: Sequence[Aside] = (),
) -> App:
    """An App on a database that is ready (several may share one, like several processes)."""
    metrics = Metrics()
    conversation = Conversation(
        sessions,
        settings,
        flows,
        metrics=metrics,
        asides=asides,
        phone_channels=REGISTRY.phone_channels(),
    )
    return App(
        settings,
        engine,
        sessions,
        conversation,
        metrics,
        tuple(jobs),
        tuple(routes),
        tuple(pages),
        tuple(public),
    )


async def start_app(
    settings: Settings,
    flows: FlowRegistry,
    jobs: Sequence[Job] = (),
    routes: Sequence[Routes] = (),
    pages: Sequence[Pages] = (),
    public: Sequence[PublicPages] = (),
    asides: Sequence[Aside] = (),
    *,
    migrate: bool = True,
) -> App:
    """Connect, apply migrations, load reference data into an empty database, build the app."""
    engine = create_engine(settings.database_url)
    if migrate:
        await upgrade_database(engine)
    sessions = create_sessionmaker(engine)
    async with sessions() as session, session.begin():
        if await seed_if_empty(session):
            log.info("loaded the bundled municipalities and categories")
    return assemble(settings, engine, sessions, flows, jobs, routes, pages, public, asides)
