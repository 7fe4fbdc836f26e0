"""Prometheus metrics of one process: inbound traffic, handler latency, deliveries, outbox depth,
and the process itself (memory, CPU, open files, start time, garbage collection).

Instruments live in a registry per app (not the library's global one), so tests and several apps
in one process do not share counters. The outbox depth is read from the database at scrape time:
it is the same for every process, and the one figure an operator must trust.
"""

from __future__ import annotations

from prometheus_client import (
    GC_COLLECTOR,
    PLATFORM_COLLECTOR,
    PROCESS_COLLECTOR,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from models import OutboxMessage, OutboxStatus, RouteState

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """The instruments Kenesh updates as it works."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        # the library's standard process_*, python_gc_* and python_info figures (read from /proc
        # at scrape time on Linux): the same collectors its global registry holds, shared by
        # every app of a process as the process is
        for collector in (PROCESS_COLLECTOR, PLATFORM_COLLECTOR, GC_COLLECTOR):
            self.registry.register(collector)
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

        self.route_online = Gauge(
            "kenesh_route_online",
            "Whether a route of a channel (an SMS gateway phone) can send: 1 online, 0 offline",
            ["channel", "route"],
            registry=self.registry,
        )
        self.route_waiting = Gauge(
            "kenesh_route_waiting",
            "Messages queued for a route of a channel (Twilio, an SMS gateway phone)",
            ["channel", "route"],
            registry=self.registry,
        )

    async def render(self, sessions: async_sessionmaker) -> bytes:
        """The text exposition, with the outbox depth and the routes' states read now."""
        outbox = OutboxMessage
        async with sessions() as session:
            rows = await session.execute(
                select(outbox.channel, outbox.status, func.count()).group_by(
                    outbox.channel, outbox.status
                )
            )
            counts = rows.all()
            states = (await session.execute(select(RouteState))).scalars().all()
            waiting = await session.execute(
                select(outbox.channel, outbox.route, func.count())
                .where(outbox.status == OutboxStatus.queued, outbox.route.is_not(None))
                .group_by(outbox.channel, outbox.route)
            )
            per_route = waiting.all()
        self.depth.clear()
        for channel, status, count in counts:
            self.depth.labels(channel=channel, state=str(status)).set(count)
        self.route_online.clear()
        for state in states:
            self.route_online.labels(channel=state.channel, route=state.route).set(state.online)
        self.route_waiting.clear()
        for channel, route, count in per_route:
            self.route_waiting.labels(channel=channel, route=route).set(count)
        return generate_latest(self.registry)
