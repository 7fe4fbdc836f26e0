"""The engine: takes one normalized message, runs it through the person's flow, returns replies.

Each message is one database transaction with the person's row locked, so a restart resumes at the
same question and several processes can serve the same person without mixing answers.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Collection, Sequence
from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import audit
from bot.conversation.asides import Aside, Jump
from bot.conversation.context import Context
from bot.conversation.flow import Flow, FlowRegistry
from bot.conversation.help import help_text
from bot.conversation.keywords import match_keyword
from bot.conversation.messages import Capabilities, Inbound, Reply, merge_replies
from bot.conversation.outbox import queue_replies
from bot.conversation.repeat import is_marker
from bot.conversation.senders import find_address, lock_sender, resolve_address
from bot.conversation.state import Position, Turn, open_turn, write_states
from bot.conversation.steps import Invalid, Reask, Step
from bot.i18n import N_, translator
from bot.metrics import Metrics
from bot.settings import Settings
from models import Address, ConsentStatus, ConversationState, Person, ProcessedInbound
from models.base import utcnow
from models.db import insert_ignore

log = logging.getLogger("kenesh.conversation")

APOLOGY = N_("Sorry, something went wrong on our side. Please send your last message again.")

# last_seen_at is kept to the minute: rewriting it on every message would cost a write each time.
SEEN_PRECISION = timedelta(minutes=1)

ONBOARDING = "onboarding"
MENU = "menu"
LANGUAGE = "language"


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
        self.flows = flows
        self.metrics = metrics or Metrics()
        self.asides = tuple(asides)
        # channels whose addresses are verified phone numbers: one number, one person
        self.phone_channels = frozenset(phone_channels)

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
        await self._dispatch(ctx, position, message)
        ctx.replies[:] = merge_replies(ctx.replies, caps)
        return Turn(ctx, position)

    async def reopen(self, channel: str, address_value: str, caps: Capabilities) -> list[Reply]:
        """The question a returning person is on, asked again (when a chat window reopens)."""
        async with self.sessions() as session, session.begin():
            found = await lock_sender(session, channel, address_value)
            if found is None:
                return []
            position, ctx = open_turn(session, self.settings, found[1], found[0], found[2], caps)
            flow = self._flow(position)
            if flow is None or not flow.has_step(position.step):
                return []
            await self._ask(ctx, position, flow.step(position.step or ""))
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
        await self._start(ctx, position, flow, answers)
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

    def _flow(self, position: Position) -> Flow | None:
        return self.flows.get(position.flow)

    # -- dispatch -----------------------------------------------------------------------------

    async def _dispatch(self, ctx: Context, position: Position, message: Inbound) -> None:
        if message.token is not None and message.token != str(position.turn):
            ctx.say(
                ctx.t(N_("This button has expired. Please use the latest message.")), expired=True
            )
            return
        flow = self._flow(position)
        step = flow.steps_by_name.get(position.step or "") if flow else None
        for aside in self.asides:
            taken = await aside(ctx, message, step)
            if isinstance(taken, Jump):
                await self._jump(ctx, position, flow, taken)
                return
            if taken:
                await self._continue(ctx, position)
                return
        text = message.text.strip()
        if flow is None or not flow.has_step(position.step):
            await self._start(ctx, position, self._home(ctx))
            return
        if _empty(message):  # a "continue" button, a sticker: nothing to answer with
            await self._continue(ctx, position)
            return
        keyword = match_keyword(text) if message.choice is None and text else None
        if keyword is not None and keyword != "skip":
            await self._global(ctx, position, flow, keyword)
            return
        await self._answer(ctx, position, flow, flow.step(position.step or ""), message)

    def _home(self, ctx: Context) -> str:
        person = ctx.person
        if person.language is None or person.consent == ConsentStatus.unknown:
            return ONBOARDING
        return MENU

    async def _answer(
        self, ctx: Context, position: Position, flow: Flow, step: Step, message: Inbound
    ) -> None:
        try:
            value = await step.accept(ctx, message)
        except Reask:
            await self._ask(ctx, position, step)
            return
        except Invalid as invalid:
            await self._ask(ctx, position, step, hint=invalid.hint)
            return
        ctx.answers[step.name] = value
        position.history.append(step.name)
        following = await flow.after(step, ctx, position.history)
        if following is not None:
            await self._enter(ctx, position, following)
        else:
            await self._finish(ctx, position, flow)

    async def _finish(self, ctx: Context, position: Position, flow: Flow) -> None:
        target = await flow.finish(ctx)
        position.drafts.pop(flow.name, None)
        if ctx.person_deleted:
            return
        if target is not None:
            await self._start(ctx, position, target)
        elif position.stack:
            await self._return(ctx, position)
        else:
            await self._start(ctx, position, self._home(ctx))

    async def _start(
        self, ctx: Context, position: Position, name: str, given: dict[str, Any] | None = None
    ) -> None:
        flow = self.flows[name]
        if flow.allowed is not None and not flow.allowed(ctx.person):
            await audit.record(ctx.session, ctx.person.id, f"start:{name}", "refused")
            ctx.say(ctx.t(flow.refusal))
            name, flow, given = MENU, self.flows[MENU], None
        position.flow, position.history = name, []
        ctx.answers.clear()
        ctx.answers.update(given or {})
        draft = position.drafts.pop(name, None) if flow.drafts else None
        if draft and flow.has_step(draft.get("step")):
            ctx.answers.update(draft["answers"])
            position.history = list(draft["history"])
            ctx.say(ctx.t(N_("Let's continue where you left off.")))
            await self._enter(ctx, position, flow.step(draft["step"]))
            return
        first = await flow.first(ctx)
        if first is None:
            position.step = None
            await self._finish(ctx, position, flow)
        else:
            await self._enter(ctx, position, first)

    async def _enter(self, ctx: Context, position: Position, step: Step) -> None:
        position.step = step.name
        ctx.scratch.clear()
        await self._ask(ctx, position, step)

    async def _ask(
        self, ctx: Context, position: Position, step: Step, hint: str | None = None
    ) -> None:
        position.turn += 1
        reply = await step.ask(ctx, hint)
        ctx.replies.append(replace(reply, token=str(position.turn)))

    async def _jump(self, ctx: Context, position: Position, flow: Flow | None, jump: Jump) -> None:
        """Go where an aside pointed: now, or — for a newcomer — once onboarding is done (the
        jump waits at the bottom of the stack, under a language change in the middle of it)."""
        if self._home(ctx) == ONBOARDING:
            position.stack = [entry for entry in position.stack if not entry.get("start")]
            position.stack.insert(0, {"flow": jump.flow, "start": True, "answers": jump.answers})
            await self._continue(ctx, position)
            return
        if flow is not None and flow.drafts and ctx.answers:
            position.drafts[flow.name] = self._bookmark(ctx, position)
        position.stack.clear()
        await self._start(ctx, position, jump.flow, jump.answers)

    async def _return(self, ctx: Context, position: Position) -> None:
        saved = position.stack.pop()
        if saved.get("start"):  # a jump that waited for onboarding: its flow from the start
            await self._start(ctx, position, saved["flow"], saved.get("answers"))
            return
        flow = self.flows[saved["flow"]]
        position.flow, position.history = saved["flow"], list(saved["history"])
        ctx.answers.clear()
        ctx.answers.update(saved["answers"])
        await self._enter(ctx, position, flow.step(saved["step"]))

    # -- global words -------------------------------------------------------------------------

    async def _global(self, ctx: Context, position: Position, flow: Flow, keyword: str) -> None:
        step = flow.step(position.step or "")
        if keyword == "help":
            ctx.say(help_text(ctx, step))
            await self._ask(ctx, position, step)
        elif keyword == "language":
            if flow.name != LANGUAGE:
                position.stack.append(self._bookmark(ctx, position))
            await self._start(ctx, position, LANGUAGE)
        elif keyword == "back":
            await self._back(ctx, position, flow, step)
        elif flow.required:
            await self._ask(ctx, position, step, hint=ctx.t(N_("Let's finish setting up first.")))
        elif keyword == "cancel":
            position.drafts.pop(flow.name, None)
            position.stack.clear()
            ctx.say(ctx.t(flow.cancelled))
            await self._start(ctx, position, MENU)
        else:  # menu, start
            if flow.drafts and ctx.answers:
                position.drafts[flow.name] = self._bookmark(ctx, position)
            position.stack.clear()
            await self._start(ctx, position, MENU)

    async def _back(self, ctx: Context, position: Position, flow: Flow, step: Step) -> None:
        if position.history:
            previous = position.history.pop()
            while is_marker(previous) and position.history:  # back over the end of a pass
                flow.reopen(ctx, previous)
                previous = position.history.pop()
            await self._enter(ctx, position, flow.step(previous))
        elif position.stack:
            await self._return(ctx, position)
        elif flow.required or flow.name == MENU:
            await self._ask(ctx, position, step)
        else:
            await self._start(ctx, position, MENU)

    def _bookmark(self, ctx: Context, position: Position) -> dict[str, Any]:
        return {
            "flow": position.flow,
            "step": position.step,
            "answers": dict(ctx.answers),
            "history": list(position.history),
        }

    async def _continue(self, ctx: Context, position: Position) -> None:
        """Ask the current question again after an aside, or start where the person belongs."""
        flow = self._flow(position)
        if flow is not None and flow.has_step(position.step):
            await self._ask(ctx, position, flow.step(position.step or ""))
        else:
            await self._start(ctx, position, self._home(ctx))


def _empty(message: Inbound) -> bool:
    """A message that carries no answer at all: the person is asked the question again."""
    return not (
        message.text.strip()
        or message.choice
        or message.photo
        or message.location
        or message.contact_phone
    )
