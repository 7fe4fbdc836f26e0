"""Prometheus metrics of one process: inbound traffic, handler latency, deliveries, outbox depth.

Instruments live in a registry per app (not the library's global one), so tests and several apps
in one process do not share counters. The outbox depth is read from the database at scrape time:
it is the same for every process, and the one figure an operator must trust.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from models import OutboxMessage

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """The instruments Kenesh updates as it works."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.inbound = Counter(
            "kenesh_inbound_messages",
            "Messages received, by channel",
            ["channel"],
            registry=self.registry,
        )
        self.handler_seconds = Histogram(
            "kenesh_handler_seconds",
            "Time to handle one inbound message (its turn, committed), by channel",
            ["channel"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.sent = Counter(
            "kenesh_outbox_sent",
            "Messages a provider accepted, by channel",
            ["channel"],
            registry=self.registry,
        )
        self.delivered = Counter(
            "kenesh_outbox_delivered",
            "Messages the provider reported delivered, by channel",
            ["channel"],
            registry=self.registry,
        )
        self.failed = Counter(
            "kenesh_outbox_failed",
            "Sends that did not go, by channel and reason",
            ["channel", "reason"],
            registry=self.registry,
        )
        self.depth = Gauge(
            "kenesh_outbox_messages",
            "Messages in the outbox, by channel and state",
            ["channel", "state"],
            registry=self.registry,
        )

    async def render(self, sessions: async_sessionmaker) -> bytes:
        """The text exposition, with the outbox depth read now."""
        async with sessions() as session:
            rows = await session.execute(
                select(OutboxMessage.channel, OutboxMessage.status, func.count()).group_by(
                    OutboxMessage.channel, OutboxMessage.status
                )
            )
            counts = rows.all()
        self.depth.clear()
        for channel, status, count in counts:
            self.depth.labels(channel=channel, state=str(status)).set(count)
        return generate_latest(self.registry)
