"""The shared state of a channel's routes (an SMS gateway phone): online, or offline since when.

Senders write it as they find it — a run of transport failures takes a route offline, one good
send or probe (or a message from the phone) brings it back — and every process reads it before
claiming, so they all stop and resume together. `/metrics` and the staff view read it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession

from models import OutboxMessage, OutboxStatus, RouteState
from models.base import utcnow

OFFLINE_AFTER = 3  # transport failures in a row that take a route offline
_states = RouteState.__table__


@dataclass(frozen=True)
class RouteStatus:
    """A route's state as last recorded."""

    route: str
    channel: str
    online: bool
    since: datetime
    last_error: str | None


def route_name(route: str) -> str:
    """A route as staff read it: `android:barpy` is the phone "barpy"."""
    kind, _, name = route.partition(":")
    return f"SMS {name}" if kind == "android" and name else route.capitalize()


async def _ensure(connection: AsyncConnection, channel: str, route: str) -> None:
    exists = await connection.scalar(select(_states.c.route).where(_states.c.route == route))
    if exists is None:
        await connection.execute(
            _states.insert().values(
                route=route, channel=channel, online=True, failures=0, since=utcnow()
            )
        )


async def route_status(engine: AsyncEngine, route: str) -> RouteStatus | None:
    """The recorded state of `route` (None: never recorded, so online)."""
    async with engine.connect() as connection:
        row = (await connection.execute(select(_states).where(_states.c.route == route))).first()
    if row is None:
        return None
    return RouteStatus(row.route, row.channel, row.online, row.since, row.last_error)


async def all_routes(connection: AsyncConnection | AsyncSession) -> list[RouteStatus]:
    """Every recorded route, by name."""
    rows = (await connection.execute(select(_states).order_by(_states.c.route))).all()
    return [RouteStatus(r.route, r.channel, r.online, r.since, r.last_error) for r in rows]


async def record_failure(engine: AsyncEngine, channel: str, route: str, error: str) -> bool:
    """One more transport failure on `route`; whether the route is now offline."""
    async with engine.begin() as connection:
        await _ensure(connection, channel, route)
        failures = await connection.scalar(
            _states.update()
            .where(_states.c.route == route)
            .values(failures=_states.c.failures + 1, last_error=error[:300])
            .returning(_states.c.failures)
        )
        offline = (failures or 0) >= OFFLINE_AFTER
        if offline:
            await connection.execute(
                _states.update()
                .where(_states.c.route == route, _states.c.online.is_(True))
                .values(online=False, since=utcnow())
            )
        return offline


async def record_online(engine: AsyncEngine, channel: str, route: str) -> bool:
    """`route` answered; whether it was offline until now (its waiting messages are then due at
    once: they waited only for it)."""
    async with engine.begin() as connection:
        await _ensure(connection, channel, route)
        result = await connection.execute(
            _states.update()
            .where(_states.c.route == route, _states.c.online.is_(False))
            .values(online=True, failures=0, since=utcnow())
        )
        if result.rowcount:
            outbox = OutboxMessage.__table__
            await connection.execute(
                outbox.update()
                .where(
                    outbox.c.channel == channel,
                    outbox.c.route == route,
                    outbox.c.status == OutboxStatus.queued.value,
                )
                .values(not_before=None)
            )
        await connection.execute(
            _states.update()
            .where(_states.c.route == route, _states.c.failures > 0)
            .values(failures=0)
        )
        return bool(result.rowcount)


async def offline_waiting(
    session: AsyncSession, broadcast_id: int | None = None
) -> list[tuple[RouteStatus, int]]:
    """Offline routes and how many messages (of one broadcast, or all) wait for them."""
    outbox = OutboxMessage.__table__
    query = (
        select(_states, func.count(outbox.c.id))
        .join(outbox, outbox.c.route == _states.c.route)
        .where(
            _states.c.online.is_(False),
            outbox.c.status.in_([OutboxStatus.queued.value, OutboxStatus.sending.value]),
        )
        .group_by(*_states.c)
        .order_by(_states.c.route)
    )
    if broadcast_id is not None:
        query = query.where(outbox.c.broadcast_id == broadcast_id)
    rows = (await session.execute(query)).all()
    return [(RouteStatus(r.route, r.channel, r.online, r.since, r.last_error), r[-1]) for r in rows]
