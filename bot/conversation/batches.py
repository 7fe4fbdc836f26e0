"""The queue of a group commit: what arrives while one batch is being written waits for the
next, and each batch holds at most one message per sender, so a person's messages keep their
order. What a batch does is the subclass's (`run`); it settles each pending item's future."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Generic, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")


@dataclass
class Pending(Generic[Item, Result]):
    """One item waiting for its batch, and the future its caller waits on."""

    item: Item
    done: asyncio.Future[Result] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class Batches(Generic[Item, Result]):
    """Batches of at most `max_batch` items, one per `sender(item)`, run one after another."""

    def __init__(self, max_batch: int = 64) -> None:
        self.max_batch = max_batch
        self._waiting: list[Pending[Item, Result]] = []
        self._running: asyncio.Task[None] | None = None

    def sender(self, item: Item) -> str:
        """Who sent `item`: two of theirs never share a batch."""
        raise NotImplementedError

    async def run(self, batch: list[Pending[Item, Result]]) -> None:
        """Handle one batch and settle every item's future."""
        raise NotImplementedError

    async def submit(self, item: Item) -> Result:
        """`item` handled in the next batch; its result once that batch is done."""
        pending: Pending[Item, Result] = Pending(item)
        self._waiting.append(pending)
        if self._running is None or self._running.done():
            self._running = asyncio.create_task(self._drain())
        return await pending.done

    async def _drain(self) -> None:
        while self._waiting:
            batch, later, senders = [], [], set()
            for pending in self._waiting:
                sender = self.sender(pending.item)
                if sender in senders or len(batch) >= self.max_batch:
                    later.append(pending)
                else:
                    senders.add(sender)
                    batch.append(pending)
            self._waiting = later
            await self.run(batch)
