"""Send windows shared by every process: a worker takes a channel's next `count` send slots in
one UPDATE of its `send_windows` row, so processes together never exceed the provider's rate.

Times are Unix seconds from each process's clock (the processes of one deployment share NTP);
slots are handed out back to back from `max(now, next_at)`, so an idle channel starts at once.
"""

from __future__ import annotations

import time

from sqlalchemy import case, insert, literal
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from models import SendWindow

_windows = SendWindow.__table__


async def reserve(
    engine: AsyncEngine, channel: str, count: int, interval: float, not_before: float = 0.0
) -> float:
    """Take `count` slots `interval` seconds apart on `channel`, none before `not_before`; the
    first slot's time."""
    length = count * interval
    for _ in range(2):
        now = max(time.time(), not_before)
        start = case((_windows.c.next_at > now, _windows.c.next_at), else_=literal(now))
        async with engine.begin() as connection:
            end = await connection.scalar(
                _windows.update()
                .where(_windows.c.channel == channel)
                .values(next_at=start + length)
                .returning(_windows.c.next_at)
            )
        if end is not None:
            return float(end) - length
        try:  # the channel's first send ever: make its row (another process may race us)
            async with engine.begin() as connection:
                await connection.execute(insert(_windows).values(channel=channel, next_at=0.0))
        except IntegrityError:
            pass
    raise RuntimeError(f"no send window row for {channel}")


async def hold(engine: AsyncEngine, channel: str, until: float) -> None:
    """The provider answered 429: no process takes a slot on `channel` before `until` (slots
    already taken run on; each process drops its own that fall before it)."""
    async with engine.begin() as connection:
        await connection.execute(
            _windows.update()
            .where(_windows.c.channel == channel, _windows.c.next_at < until)
            .values(next_at=until)
        )
