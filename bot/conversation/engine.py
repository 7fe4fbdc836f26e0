"""The engine: takes one normalized message, runs it through the person's flow, returns replies.

Each message is one database transaction with the person's row locked, so a restart resumes at the
same question and several processes can serve the same person without mixing answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.conversation.asides import Aside
from bot.conversation.flow import FlowRegistry
from bot.conversation.messages import Capabilities, Inbound, Reply, merge_replies
from bot.conversation.navigator import LANGUAGE, MENU, ONBOARDING, Navigator
from bot.conversation.outbox import queue_replies
from bot.conversation.senders import find_address, lock_sender, resolve_address
from bot.conversation.state import Turn, open_turn, write_states
from bot.i18n import N_, translator
from bot.metrics import Metrics
from bot.settings import Settings
from models import Address, ConversationState, Person, ProcessedInbound
from models.base import utcnow
from models.db import insert_ignore

log = logging.getLogger("kenesh.conversation")

APOLOGY = N_("Sorry, something went wrong on our side. Please send your last message again.")

# last_seen_at is kept to the minute: rewriting it on every message would cost a write each time.
SEEN_PRECISION = timedelta(minutes=1)


class Conversation:
    """Runs flows for people on any channel."""

    def __init__(
        self,
        sessions: async_sessionmaker,
        settings: Settings,
        flows: FlowRegistry,
        metrics: Metrics | None = None,
        asides: Sequence[Aside] = (),
        phone_channels: Collection[str] = (),
    ) -> None:
        for required in (ONBOARDING, MENU, LANGUAGE):
            if required not in flows:
                raise ValueError(f"the conversation needs a {required!r} flow")
        self.sessions = sessions
        self.settings = settings
        self.metrics = metrics or Metrics()
        self.asides = tuple(asides)
        self.navigator = Navigator(flows, self.asides)
        # channels whose addresses are verified phone numbers: one number, one person
        self.phone_channels = frozenset(phone_channels)

    @property
    def flows(self) -> FlowRegistry:
        """The flows people go through (replaced whole, as a test does, they are used at once)."""
        return self.navigator.flows

    @flows.setter
    def flows(self, flows: FlowRegistry) -> None:
        self.navigator.flows = flows

    async def handle(
        self,
        message: Inbound,
        caps: Capabilities,
        *,
        queue_replies: bool = False,
        queued: list[int] | None = None,
        hold: timedelta | None = None,
    ) -> list[Reply]:
        """Handle one message and return the replies.

        With `queue_replies` the replies are also written to the outbox in the same transaction as
        the state change, so a crash after the commit cannot lose them (a delivery worker sends
        them). If anything fails, the transaction is rolled back — the person's answers stay as
        they were before this message — and they are asked to send it again.

        `queued` receives the outbox ids of the queued replies; `hold` keeps the delivery worker
        off them for a while, for a channel that answers in its webhook response (and falls back
        to the worker if that response never went out).
        """
        self.metrics.inbound.labels(channel=message.channel).inc()
        started = time.perf_counter()
        try:
            return await self._handle(message, caps, queue_replies, queued, hold)
        except Exception:
            log.exception("handling a %s message failed; nothing was changed", message.channel)
            return [await self._apologise(message, queue_replies)]
        finally:
            elapsed = time.perf_counter() - started
            self.metrics.handler_seconds.labels(channel=message.channel).observe(elapsed)

    async def _apologise(self, message: Inbound, queue: bool) -> Reply:
        """The apology for a failed turn, in the person's language — and queued for channels that
        deliver through the outbox, so it is not lost like the turn was."""
        language = self.settings.default_language
        reply = None
        try:
            async with self.sessions() as session, session.begin():
                address = await find_address(session, message.channel, message.address)
                person = await session.get(Person, address.person_id) if address else None
                language = (person.language if person else None) or language
                reply = Reply(text=translator(language).t(APOLOGY))
                if queue and address is not None and person is not None:
                    await queue_replies(session, person, address, [reply])
        except Exception:  # the database itself may be what failed
            log.warning("could not queue an apology on %s", message.channel)
        return reply or Reply(text=translator(language).t(APOLOGY))

    async def _handle(
        self,
        message: Inbound,
        caps: Capabilities,
        queue: bool,
        queued: list[int] | None = None,
        hold: timedelta | None = None,
    ) -> list[Reply]:
        async with self.sessions() as session, session.begin():
            if message.dedup_key and not await insert_ignore(
                session, ProcessedInbound, channel=message.channel, key=message.dedup_key
            ):
                log.info("duplicate %s message %s ignored", message.channel, message.dedup_key)
                return []
            address, person, row = await self._sender(session, message)
            turn = await self.run_turn(session, message, caps, address, person, row)
            await write_states(session, [turn])
            if queue and not turn.ctx.person_deleted:
                ids = await queue_replies(session, person, address, turn.ctx.replies, hold=hold)
                if queued is not None:
                    queued.extend(ids)
            return turn.ctx.replies

    async def run_turn(
        self,
        session: AsyncSession,
        message: Inbound,
        caps: Capabilities,
        address: Address,
        person: Person,
        row: ConversationState | None,
    ) -> Turn:
        """One message through the person's flow, in `session`; the new state is not yet written."""
        now = utcnow()
        if address.unreachable or now - address.last_seen_at > SEEN_PRECISION:
            address.last_seen_at = now  # writing again makes a blocked address usable
            address.unreachable = False
        position, ctx = open_turn(session, self.settings, person, address, row, caps)
        await self.navigator.dispatch(ctx, position, message)
        ctx.replies[:] = merge_replies(ctx.replies, caps)
        return Turn(ctx, position)

    async def reopen(self, channel: str, address_value: str, caps: Capabilities) -> list[Reply]:
        """The question a returning person is on, asked again (when a chat window reopens)."""
        async with self.sessions() as session, session.begin():
            found = await lock_sender(session, channel, address_value)
            if found is None:
                return []
            position, ctx = open_turn(session, self.settings, found[1], found[0], found[2], caps)
            flow = self.navigator.flow(position)
            if flow is None or not flow.has_step(position.step):
                return []
            await self.navigator.ask(ctx, position, flow.step(position.step or ""))
            await write_states(session, [Turn(ctx, position)])
            return ctx.replies

    async def start_for(
        self,
        session: AsyncSession,
        person: Person,
        address: Address,
        row: ConversationState | None,
        caps: Capabilities,
        flow: str,
        answers: dict[str, Any] | None = None,
        say: str = "",
    ) -> Turn:
        """Start `flow` for a person who did not write (a survey invitation is the survey's
        first question): after `say`, their conversation moves to the flow's first question,
        with `answers` already given. The person must be locked; the caller writes the state
        (`write_states`) and queues the turn's replies for `address`."""
        position, ctx = open_turn(session, self.settings, person, address, row, caps)
        if say:
            ctx.say(say)
        await self.navigator.start(ctx, position, flow, answers)
        ctx.replies[:] = merge_replies(ctx.replies, caps)
        return Turn(ctx, position)

    @staticmethod
    def whereabouts(row: ConversationState | None) -> tuple[str | None, dict[str, Any]]:
        """The flow a person is in (None: none yet) and their answers in it, as stored."""
        if row is None:
            return None, {}
        return row.flow, dict((row.data or {}).get("answers", {}))

    # -- state --------------------------------------------------------------------------------

    async def _sender(
        self, session: AsyncSession, message: Inbound
    ) -> tuple[Address, Person, ConversationState | None]:
        """Who wrote, locked for this transaction; a first message creates the person."""
        found = await lock_sender(session, message.channel, message.address)
        if found is None:
            await resolve_address(session, message.channel, message.address, self.phone_channels)
            found = await lock_sender(session, message.channel, message.address)
        if found is None:
            raise LookupError("the sender's address vanished")
        return found
