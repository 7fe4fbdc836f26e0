"""ChooseSeveral: options picked one at a time (the sectors an NGO serves); the answer is the
list of their ids."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.conversation.context import Context
from bot.conversation.messages import Inbound
from bot.conversation.steps import Choose, Option, Reask, Text, translated_options
from bot.i18n import N_

DONE = "__done"
CONTINUE = N_("That's all, continue")


class ChooseSeveral(Choose):
    """Options picked one at a time; once one is, “That's all, continue” ends the step, and the
    answer is the list of the ids picked. While choosing, the list so far is the step's answer
    already, so it survives a detour to the menu and shows in the prompt."""

    def __init__(
        self,
        name: str,
        prompt: Text,
        options: Callable[[Context], Awaitable[Sequence[Option]]],
        **kwargs: Any,
    ) -> None:
        super().__init__(name, prompt, self._remaining, **kwargs)
        self._source = options

    def picked(self, ctx: Context) -> list[str]:
        """The ids picked so far."""
        return list(ctx.answers.get(self.name) or [])

    async def _remaining(self, ctx: Context) -> Sequence[Option]:
        chosen = set(self.picked(ctx))
        done = translated_options(ctx, [(DONE, CONTINUE)]) if chosen else []
        return [*done, *(o for o in await self._source(ctx) if o.id not in chosen)]

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if value == DONE:
            return self.picked(ctx)
        ctx.answers[self.name] = [*self.picked(ctx), value]
        raise Reask
