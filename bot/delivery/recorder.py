"""Group commit for send outcomes: many sends finishing together cost one transaction."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy.exc import DBAPIError

from bot.delivery.sender import Outcome
from models import Address, OutboxMessage
from models.base import UTCDateTime

log = logging.getLogger("kenesh.delivery")

DEADLOCK_TRIES = 3
_outbox = OutboxMessage.__table__
_addresses = Address.__table__
# Built once: these run for every message sent.
RECORD = (
    _outbox.update()
    .where(_outbox.c.id == bindparam("message_id"))
    .values(
        status=bindparam("status"),
        error=bindparam("error"),
        provider_id=bindparam("provider_id"),
        sent_at=bindparam("sent_at"),
        attempts=bindparam("attempts"),
        not_before=func.coalesce(
            bindparam("not_before", type_=UTCDateTime()), _outbox.c.not_before
        ),
        template=bindparam("template"),
    )
)
BLOCK = {
    Outcome.unreachable: _addresses.update()
    .where(_addresses.c.id == bindparam("address_id"))
    .values(unreachable=True),
    # the one source of truth every sender respects: nothing more goes there until START
    Outcome.opted_out: _addresses.update()
    .where(_addresses.c.id == bindparam("address_id"))
    .values(opted_out=True),
}


class Recorder:
    """Group commit for send outcomes: outcomes that arrive while one write is in progress are
    written together in the next, each caller waiting until its own outcome is durable."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self._waiting: list[
            tuple[dict[str, Any], tuple[int, Outcome] | None, asyncio.Future[None]]
        ] = []
        self._running: asyncio.Task[None] | None = None

    async def record(self, params: dict[str, Any], block: tuple[int, Outcome] | None) -> None:
        """Write one outcome (and block its address, if it says so); return once durable."""
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiting.append((params, block, done))
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        await done

    async def _drain(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting, []
            # rows in id order, as renewal and recovery lock theirs (see leases.py)
            batch.sort(key=lambda waiting: waiting[0]["message_id"])
            try:
                await self._write(batch)
            except Exception as error:
                for _, _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                continue
            for _, _, done in batch:
                if not done.done():
                    done.set_result(None)

    async def _write(self, batch: list[tuple[dict[str, Any], Any, Any]]) -> None:
        """One transaction for the batch; tried again when the database chose it as a
        deadlock's victim (rolled back whole, so trying again writes each outcome once)."""
        for attempt in range(DEADLOCK_TRIES):
            try:
                async with self.engine.begin() as connection:
                    await connection.execute(RECORD, [params for params, _, _ in batch])
                    for _, block, _ in batch:
                        if block is not None:
                            address_id, outcome = block
                            await connection.execute(BLOCK[outcome], {"address_id": address_id})
                return
            except DBAPIError as error:
                if attempt + 1 == DEADLOCK_TRIES or not _deadlock(error):
                    raise
                log.warning("outcomes of %d sends met a deadlock; writing them again", len(batch))


def _deadlock(error: DBAPIError) -> bool:
    """PostgreSQL's deadlock_detected (40P01)."""
    cause = error.orig
    code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if code is None and cause is not None and cause.__cause__ is not None:
        code = getattr(cause.__cause__, "sqlstate", None)
    return code == "40P01"
