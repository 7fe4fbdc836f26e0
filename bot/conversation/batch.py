"""Group commit: messages from different people that arrive while one transaction is being
written are handled together in the next one.

Each message still gets its own turn and its own replies, and its sender is still answered only
after the transaction that holds its turn has committed. What is shared is the cost of a
transaction: one BEGIN/COMMIT, one duplicate check, one locking SELECT, one batched state UPDATE
and one INSERT of every reply. Under load that is most of the cost of a message; when idle a batch
is a single message and nothing waits.

If any turn of a batch fails, the batch is rolled back and its messages are handled one by one,
so one person's failure never costs another their answer.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.batches import Batches, Pending
from bot.conversation.engine import Conversation
from bot.conversation.messages import Capabilities, Inbound, Reply
from bot.conversation.outbox import reply_rows
from bot.conversation.senders import lock_senders, resolve_address
from bot.conversation.state import Turn, write_states
from models import OutboxMessage, ProcessedInbound

log = logging.getLogger("kenesh.conversation")


class GroupCommit(Batches[Inbound, list[Reply]]):
    """Feeds one channel's messages to the conversation in batches; replies are queued in the
    outbox (for the channel's sender), as with `Conversation.handle(..., queue_replies=True)`."""

    def __init__(
        self, conversation: Conversation, channel: str, caps: Capabilities, max_batch: int = 64
    ) -> None:
        super().__init__(max_batch)
        self.conversation = conversation
        self.channel = channel
        self.caps = caps

    async def handle(self, message: Inbound) -> list[Reply]:
        """Handle `message` in the next batch; its replies once that batch is committed."""
        return await self.submit(message)

    def sender(self, item: Inbound) -> str:
        return item.address

    async def run(self, batch: list[Pending[Inbound, list[Reply]]]) -> None:
        metrics = self.conversation.metrics
        started = time.perf_counter()
        try:
            results = await self._handle_batch([p.item for p in batch])
        except Exception:
            log.warning(
                "a batch of %d failed; handling its messages one by one", len(batch), exc_info=True
            )
            results = [None] * len(batch)
        elapsed = time.perf_counter() - started
        for pending, replies in zip(batch, results, strict=True):
            if replies is None:  # failed batch, or a second address of a person already in it
                replies = await self.conversation.handle(
                    pending.item, self.caps, queue_replies=True
                )
            else:  # (handle() counts its own)
                metrics.inbound.labels(channel=self.channel).inc()
                metrics.handler_seconds.labels(channel=self.channel).observe(elapsed)
            if not pending.done.done():
                pending.done.set_result(replies)

    async def _handle_batch(self, messages: list[Inbound]) -> list[list[Reply] | None]:
        conversation = self.conversation
        async with conversation.sessions() as session, session.begin():
            keys = [m.dedup_key for m in messages if m.dedup_key is not None]
            fresh = await first_deliveries(session, self.channel, keys)
            wanted = [m.address for m in messages if m.dedup_key is None or m.dedup_key in fresh]
            found = await lock_senders(session, self.channel, wanted)
            missing = [a for a in wanted if a not in found]
            if missing:  # newcomers: create them, then lock them like everyone else
                for address in missing:
                    await resolve_address(
                        session, self.channel, address, conversation.phone_channels
                    )
                found |= await lock_senders(session, self.channel, missing)
            results: list[list[Reply] | None] = []
            turns: list[Turn] = []
            rows: list[dict[str, object]] = []
            people: set[int] = set()
            for message in messages:
                if message.dedup_key is not None and message.dedup_key not in fresh:
                    results.append([])  # a redelivery: already handled
                    continue
                address, person, state = found[message.address]
                if person.id in people:  # two addresses of one person: after this batch
                    results.append(None)
                    continue
                people.add(person.id)
                turn = await conversation.run_turn(
                    session, message, self.caps, address, person, state
                )
                turns.append(turn)
                if not turn.ctx.person_deleted:
                    rows += reply_rows(person, address, turn.ctx.replies)
                results.append(turn.ctx.replies)
            await write_states(session, turns)
            if rows:
                await session.execute(OutboxMessage.__table__.insert(), rows)
        return results


async def first_deliveries(session: AsyncSession, channel: str, keys: list[str]) -> set[str]:
    """The dedup keys seen for the first time (recorded now); the others are redeliveries."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return set()
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    table = ProcessedInbound.__table__
    result = await session.execute(
        insert(table)
        .values([{"channel": channel, "key": key} for key in keys])
        .on_conflict_do_nothing()
        .returning(table.c.key)
    )
    return set(result.scalars().all())
