"""The tick's jobs: work `kenesh serve` does every SCHEDULE_TICK_SECONDS, each in a transaction
of its own. What is due lives in the database (rows taken with SKIP LOCKED), so a job runs once
with several processes and survives restarts; the ticker only says when to look."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.engine import Conversation
from bot.settings import Settings


@dataclass(frozen=True)
class Tick:
    """What a job works with besides its transaction: the settings, and the conversation
    engine (a job may start a flow for someone, as a survey invitation does)."""

    settings: Settings
    conversation: Conversation


@dataclass(frozen=True)
class Job:
    """One job of the tick. `run` returns what it did (falsy: nothing), which the log line
    `done` shows (`done % result`); `every`: at least this many seconds between two runs of a
    job that scans a lot (0: every tick)."""

    name: str
    run: Callable[[AsyncSession, Tick], Awaitable[object]]
    done: str
    every: float = 0.0
