"""Group commit for inbound SMS, whichever route they came by: SMS from different people that
arrive while one transaction is being written are handled together in the next.

One SMS alone used to cost three transactions: the STOP/START/HELP check with the route
memory, the conversation's turn, and marking the replies answered in the webhook response.
Here a batch of SMS shares one: one BEGIN/COMMIT, one duplicate check, one locking SELECT,
and per SMS the opt-out check, the route, the turn, all written together with one batched
state UPDATE and one INSERT of every reply. The replies Twilio gets in its TwiML answer are
written as sent by it in that same transaction, so there is no moment when the delivery worker
could see them queued (the one-by-one path holds them back for TWIML_HOLD to cover that gap).

Each SMS still gets its own answer, only after the transaction holding it has committed. If
anything in a batch fails, the batch is rolled back and its SMS go one by one through the
one-by-one path, so one person's failure never costs another their answer.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.channels.sms.kind import CAPABILITIES, CODE
from bot.channels.sms.optout import sms_command
from bot.channels.sms.stop import apply_command, before_conversation
from bot.conversation.batch import first_deliveries
from bot.conversation.batches import Batches, Pending
from bot.conversation.engine import Conversation
from bot.conversation.messages import Inbound, Photo, Reply
from bot.conversation.outbox import reply_rows
from bot.conversation.senders import lock_senders, resolve_address
from bot.conversation.state import Turn, write_states
from bot.settings import Settings
from models import OutboxMessage, OutboxStatus
from models.base import utcnow
from models.outbox import FAREWELL

log = logging.getLogger("kenesh.sms")

OUTBOX = OutboxMessage.__table__


@dataclass(frozen=True)
class Sms:
    """One inbound SMS. `twiml`: answered in the webhook response (Twilio); otherwise (the
    gateway) every reply goes through the outbox."""

    phone: str
    text: str
    photo: Photo | None
    key: str | None  # the provider's id of it, against redeliveries
    route: str
    sent_at: datetime | None = None
    twiml: bool = False


@dataclass
class Answer:
    """What became of an SMS: its replies and, for a TwiML answer, the outbox ids of those that
    have rows (already marked sent by TwiML; their status callbacks name them)."""

    replies: list[Reply]
    ids: list[int] = field(default_factory=list)
    resume: bool = False  # START: the conversation's question is asked again after the commit


class SmsGroupCommit(Batches[Sms, Answer]):
    """Feeds the SMS channel's inbound messages to the opt-out check and the conversation in
    batches. `alone` is the one-by-one path (for a failed batch, and a person's second address
    in one batch); `resume` asks a returning (START) person their question again."""

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        alone: Callable[[Sms], Awaitable[Answer]],
        resume: Callable[[Sms], Awaitable[list[Reply]]],
        max_batch: int = 64,
    ) -> None:
        super().__init__(max_batch)
        self.settings = settings
        self.conversation = conversation
        self.alone = alone
        self.resume = resume

    async def handle(self, sms: Sms) -> Answer:
        """Handle `sms` in the next batch; its answer once that batch is committed."""
        return await self.submit(sms)

    def sender(self, item: Sms) -> str:
        return item.phone  # one SMS per number a batch: a person's messages keep their order

    async def run(self, batch: list[Pending[Sms, Answer]]) -> None:
        started = time.perf_counter()
        try:
            answers = await self._handle_batch([p.item for p in batch])
        except Exception:
            log.warning(
                "a batch of %d SMS failed; handling them one by one", len(batch), exc_info=True
            )
            answers = [None] * len(batch)
        elapsed = time.perf_counter() - started
        metrics = self.conversation.metrics
        for pending, answer in zip(batch, answers, strict=True):
            try:
                if answer is None:  # failed batch, or a second address of a person in it
                    answer = await self.alone(pending.item)  # (timed by the conversation)
                else:
                    metrics.handler_seconds.labels(channel=CODE).observe(elapsed)
                if answer.resume:
                    answer.replies += await self.resume(pending.item)
            except Exception as error:  # this SMS's own failure: its request fails, no other
                if not pending.done.done():
                    pending.done.set_exception(error)
                continue
            if not pending.done.done():
                pending.done.set_result(answer)

    async def _handle_batch(self, batch: list[Sms]) -> list[Answer | None]:
        conversation = self.conversation
        async with conversation.sessions() as session, session.begin():
            keys = [sms.key for sms in batch if sms.key is not None]
            fresh = await first_deliveries(session, CODE, keys)
            wanted = [sms.phone for sms in batch if sms.key is None or sms.key in fresh]
            found = await lock_senders(session, CODE, wanted)
            missing = [phone for phone in wanted if phone not in found]
            if missing:  # newcomers: create them, then lock them like everyone else
                for phone in missing:
                    await resolve_address(session, CODE, phone, conversation.phone_channels)
                found |= await lock_senders(session, CODE, missing)
            answers: list[Answer | None] = []
            turns: list[Turn] = []
            rows: list[tuple[Answer, dict[str, Any]]] = []  # (whose, row) in order
            people: set[int] = set()
            now = utcnow()
            for sms in batch:
                if sms.key is not None and sms.key not in fresh:
                    answers.append(Answer([]))  # a redelivery: already handled
                    continue
                address, person, state = found[sms.phone]
                if person.id in people:  # two numbers of one person: after this batch
                    answers.append(None)
                    continue
                people.add(person.id)
                if address.route != sms.route:  # replies leave the way it came
                    address.route = sms.route
                command = sms_command(sms.text) if sms.photo is None else None
                if before_conversation(address, command):
                    handled = await apply_command(
                        session, self.settings, address, person, command, sms.sent_at
                    )
                    answer = Answer([Reply(handled.reply)] if handled.reply else [])
                    answer.resume = handled.resume
                    if not sms.twiml:  # in TwiML a command's answer has no outbox row
                        kind = FAREWELL if address.opted_out else "reply"
                        for row in reply_rows(person, address, answer.replies, kind=kind):
                            rows.append((answer, {"provider_status": None, "sent_at": None} | row))
                    answers.append(answer)
                    continue
                message = Inbound(
                    CODE, sms.phone, text=sms.text, photo=sms.photo, dedup_key=sms.key
                )
                turn = await conversation.run_turn(
                    session, message, CAPABILITIES, address, person, state
                )
                turns.append(turn)
                answer = Answer(turn.ctx.replies)
                if not turn.ctx.person_deleted:
                    for row in reply_rows(person, address, turn.ctx.replies):
                        if sms.twiml:  # answered in the webhook response, never by the worker
                            row |= {
                                "status": OutboxStatus.sent.value,
                                "provider_status": "twiml",
                                "sent_at": now,
                            }
                        rows.append((answer, {"provider_status": None, "sent_at": None} | row))
                answers.append(answer)
                conversation.metrics.inbound.labels(channel=CODE).inc()
            await write_states(session, turns)
            if rows:
                result = await session.execute(
                    OUTBOX.insert().returning(OUTBOX.c.id, sort_by_parameter_order=True),
                    [row for _, row in rows],
                )
                for (answer, row), row_id in zip(rows, result.scalars().all(), strict=True):
                    if row["provider_status"] == "twiml":
                        answer.ids.append(row_id)
        return answers
