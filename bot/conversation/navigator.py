"""Moving one person through flows within a turn: the answer to the current question, the
words that work at every step (help, back, menu, language, cancel), asides that take a message
before the flow does, starting, finishing and returning from flows. It touches only the turn's
context and position; `bot.conversation.engine` opens and commits the transaction around it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot import audit
from bot.conversation.asides import Aside, Jump
from bot.conversation.context import Context
from bot.conversation.flow import Flow, FlowRegistry
from bot.conversation.help import help_text
from bot.conversation.keywords import match_keyword
from bot.conversation.messages import Inbound
from bot.conversation.repeat import is_marker
from bot.conversation.state import Position
from bot.conversation.steps import Invalid, Reask, Step
from bot.i18n import N_
from models import ConsentStatus

ONBOARDING = "onboarding"
MENU = "menu"
LANGUAGE = "language"


class Navigator:
    """The flows and the asides, and the moves between questions."""

    def __init__(self, flows: FlowRegistry, asides: Sequence[Aside] = ()) -> None:
        self.flows = flows
        self.asides = tuple(asides)

    def flow(self, position: Position) -> Flow | None:
        """The flow the person is in, if it still exists."""
        return self.flows.get(position.flow)

    async def dispatch(self, ctx: Context, position: Position, message: Inbound) -> None:
        """One message: an expired button, an aside, a word that works everywhere, or the answer."""
        if message.token is not None and message.token != str(position.turn):
            ctx.say(
                ctx.t(N_("This button has expired. Please use the latest message.")), expired=True
            )
            return
        flow = self.flow(position)
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
            await self.start(ctx, position, self.home(ctx))
            return
        if _empty(message):  # a "continue" button, a sticker: nothing to answer with
            await self._continue(ctx, position)
            return
        keyword = match_keyword(text) if message.choice is None and text else None
        if keyword is not None and keyword != "skip":
            await self._global(ctx, position, flow, keyword)
            return
        await self._answer(ctx, position, flow, flow.step(position.step or ""), message)

    def home(self, ctx: Context) -> str:
        """Where a person belongs when no flow holds them: onboarding until it is done, else the menu."""
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
            await self.ask(ctx, position, step)
            return
        except Invalid as invalid:
            await self.ask(ctx, position, step, hint=invalid.hint)
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
            await self.start(ctx, position, target)
        elif position.stack:
            await self._return(ctx, position)
        else:
            await self.start(ctx, position, self.home(ctx))

    async def start(
        self, ctx: Context, position: Position, name: str, given: dict[str, Any] | None = None
    ) -> None:
        """Begin flow `name` (its draft, if one was kept), with `given` answers already in."""
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
        await self.ask(ctx, position, step)

    async def ask(
        self, ctx: Context, position: Position, step: Step, hint: str | None = None
    ) -> None:
        """Ask `step` (with `hint` after a refused answer); its buttons expire with the next turn."""
        position.turn += 1
        reply = await step.ask(ctx, hint)
        ctx.replies.append(replace(reply, token=str(position.turn)))

    async def _jump(self, ctx: Context, position: Position, flow: Flow | None, jump: Jump) -> None:
        """Go where an aside pointed: now, or — for a newcomer — once onboarding is done (the
        jump waits at the bottom of the stack, under a language change in the middle of it)."""
        if self.home(ctx) == ONBOARDING:
            position.stack = [entry for entry in position.stack if not entry.get("start")]
            position.stack.insert(0, {"flow": jump.flow, "start": True, "answers": jump.answers})
            await self._continue(ctx, position)
            return
        if flow is not None and flow.drafts and ctx.answers:
            position.drafts[flow.name] = self._bookmark(ctx, position)
        position.stack.clear()
        await self.start(ctx, position, jump.flow, jump.answers)

    async def _return(self, ctx: Context, position: Position) -> None:
        saved = position.stack.pop()
        if saved.get("start"):  # a jump that waited for onboarding: its flow from the start
            await self.start(ctx, position, saved["flow"], saved.get("answers"))
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
            await self.ask(ctx, position, step)
        elif keyword == "language":
            if flow.name != LANGUAGE:
                position.stack.append(self._bookmark(ctx, position))
            await self.start(ctx, position, LANGUAGE)
        elif keyword == "back":
            await self._back(ctx, position, flow, step)
        elif flow.required:
            await self.ask(ctx, position, step, hint=ctx.t(N_("Let's finish setting up first.")))
        elif keyword == "cancel":
            position.drafts.pop(flow.name, None)
            position.stack.clear()
            ctx.say(ctx.t(flow.cancelled))
            await self.start(ctx, position, MENU)
        else:  # menu, start
            if flow.drafts and ctx.answers:
                position.drafts[flow.name] = self._bookmark(ctx, position)
            position.stack.clear()
            await self.start(ctx, position, MENU)

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
            await self.ask(ctx, position, step)
        else:
            await self.start(ctx, position, MENU)

    def _bookmark(self, ctx: Context, position: Position) -> dict[str, Any]:
        return {
            "flow": position.flow,
            "step": position.step,
            "answers": dict(ctx.answers),
            "history": list(position.history),
        }

    async def _continue(self, ctx: Context, position: Position) -> None:
        """Ask the current question again after an aside, or start where the person belongs."""
        flow = self.flow(position)
        if flow is not None and flow.has_step(position.step):
            await self.ask(ctx, position, flow.step(position.step or ""))
        else:
            await self.start(ctx, position, self.home(ctx))


def _empty(message: Inbound) -> bool:
    """A message that carries no answer at all: the person is asked the question again."""
    return not (
        message.text.strip()
        or message.choice
        or message.photo
        or message.location
        or message.contact_phone
    )
