"""Repeat: steps asked again and again — a survey's questions, its translations, the
municipalities an NGO works in — each pass's answers becoming one item of a list.

A flow lists a `Repeat` among its steps like any step. During a pass its steps' answers are in
`ctx.answers` under their own names, as anywhere else; when the pass ends they become one item
of `ctx.answers[repeat.name]` (a list of dicts, by step name), and the next pass starts with
none of them. A pass ends after its last step (with `more`, after that question), and another
starts while `again` says so (asked before the pass is stored, its answers still at hand). `until`, checked after every answer of a pass, leaves the loop at
once and drops the unfinished pass ("That's all" where a new pass would begin). A step's `next`
may name its loop to end the pass early (a municipality picked above the last level).

Going back across the end of a pass reopens it: the flow records each stored pass in the
person's history with a marker, and `back` over that marker puts the pass's answers back where
they were, so nothing is stored twice and nothing is lost.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bot.conversation.context import Context
from bot.conversation.steps import Step

Condition = Callable[[Context], bool | Awaitable[bool]]
MARK = "§"  # history entries of stored passes: "§" + the loop's name (never a step's name)


async def _holds(condition: Condition | None, ctx: Context) -> bool:
    if condition is None:
        return False
    value = condition(ctx)
    return bool(await value if inspect.isawaitable(value) else value)


def _yes(ctx: Context) -> bool:
    return True


class Repeat:
    """Steps asked once per item. `more` is an optional last question of each pass (“Add
    another?”); `again` decides whether another pass follows (by default: while `more` was
    answered yes, or always without one); `until` leaves the loop as soon as it holds.
    `keep=False` forgets each pass instead of listing it (answers stored elsewhere as they
    come, such as a survey's)."""

    def __init__(
        self,
        name: str,
        steps: Sequence[Step | Repeat],
        *,
        more: Step | None = None,
        again: Condition | None = None,
        until: Condition | None = None,
        keep: bool = True,
    ) -> None:
        if not steps:
            raise ValueError(f"repeat {name}: no steps")
        self.name = name
        self.body = list(steps)
        self.more = more
        self.again = again or (self._more_was_yes if more is not None else _yes)
        self.until = until
        self.keep = keep

    def _more_was_yes(self, ctx: Context) -> bool:
        return bool(self.more is not None and ctx.answers.get(self.more.name))

    def flat(self) -> list[Step]:
        """The steps in the order they are asked, loops inside it unrolled."""
        steps: list[Step] = []
        for step in self.body:
            steps += step.flat() if isinstance(step, Repeat) else [step]
        if self.more is not None:
            steps.append(self.more)
        return steps

    def names(self) -> list[str]:
        """The answers a pass has: its steps' names, and those of the loops inside it."""
        return [step.name for step in self.body] + ([self.more.name] if self.more else [])

    @property
    def marker(self) -> str:
        """This loop's entry in the history, at the end of each stored pass."""
        return MARK + self.name

    def items(self, ctx: Context) -> list[Any]:
        """The passes stored so far."""
        return list(ctx.answers.get(self.name) or [])

    def store(self, ctx: Context, history: list[str]) -> None:
        """End the pass: its answers become one item (and leave `ctx.answers`)."""
        item = {name: ctx.answers.pop(name) for name in self.names() if name in ctx.answers}
        if self.keep:
            ctx.answers[self.name] = [*self.items(ctx), item]
        history.append(self.marker)

    def drop(self, ctx: Context) -> None:
        """Leave during a pass: its answers go."""
        for name in self.names():
            ctx.answers.pop(name, None)

    def reopen(self, ctx: Context) -> None:
        """`back` over the end of a pass: the last stored item's answers are current again."""
        items = self.items(ctx)
        if self.keep and items:
            ctx.answers[self.name] = items[:-1]
            ctx.answers.update(items[-1])

    async def another(self, ctx: Context) -> bool:
        """Whether a new pass starts after this one."""
        return await _holds(self.again, ctx)

    async def leaving(self, ctx: Context) -> bool:
        """Whether the loop ends now, during a pass."""
        return await _holds(self.until, ctx)


def is_marker(entry: str) -> bool:
    """Whether a history entry marks a stored pass rather than a step."""
    return entry.startswith(MARK)
