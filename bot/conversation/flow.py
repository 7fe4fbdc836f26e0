"""A flow: named steps in the order a person sees them, and what happens when they are answered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.conversation.context import Context
from bot.conversation.steps import Step
from bot.i18n import N_
from models import Person

# `finish` returns the flow to go to next; None returns to where the person came from (or the menu).
Finish = Callable[[Context], Awaitable[str | None]]

# `next` on a step may return this to end the flow early.
FINISH = "__finish__"


def staff_only(person: Person) -> bool:
    """`allowed` for staff flows: staff and admins (each action still checks the municipality)."""
    return person.is_staff


@dataclass
class Flow:
    """A conversation module.

    `required`: the person cannot leave it with menu or cancel (onboarding). `allowed` decides who
    may start it; others are refused and the refusal is recorded. `drafts`: answers survive leaving
    for the menu, and the flow resumes at the first unanswered step when started again.
    """

    name: str
    steps: Sequence[Step]
    finish: Finish
    required: bool = False
    drafts: bool = False
    allowed: Callable[[Person], bool] | None = None
    refusal: str = N_("Sorry, this is only for municipal staff.")
    # what "cancel" says: most flows keep nothing unfinished; some save as they go
    cancelled: str = N_("Cancelled. Nothing was saved.")
    _index: dict[str, int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._index = {}
        for position, step in enumerate(self.steps):
            if step.name in self._index:
                raise ValueError(f"flow {self.name}: step {step.name} declared twice")
            self._index[step.name] = position

    def step(self, name: str) -> Step:
        """The step called `name`."""
        return self.steps[self._index[name]]

    @property
    def steps_by_name(self) -> dict[str, Step]:
        """Every step by name."""
        return {step.name: step for step in self.steps}

    def has_step(self, name: str | None) -> bool:
        """Whether `name` is a step of this flow (state written by an older version may not be)."""
        return name is not None and name in self._index

    async def first(self, ctx: Context) -> Step | None:
        """The first step this person is asked."""
        return await self._active_from(0, ctx)

    async def after(self, step: Step, ctx: Context) -> Step | None:
        """The step after `step` for this person, or None when the flow is complete."""
        if step.next is not None:
            target = step.next(ctx)
            if target is None or target == FINISH:
                return None
            chosen = self.step(target)
            return chosen if await chosen.active(ctx) else await self.after(chosen, ctx)
        return await self._active_from(self._index[step.name] + 1, ctx)

    async def _active_from(self, position: int, ctx: Context) -> Step | None:
        for step in self.steps[position:]:
            if await step.active(ctx):
                return step
        return None


class FlowRegistry:
    """Every flow by name; refuses two flows with one name."""

    def __init__(self, flows: Sequence[Flow]) -> None:
        self._flows: dict[str, Flow] = {}
        for flow in flows:
            if flow.name in self._flows:
                raise ValueError(f"flow {flow.name} registered twice")
            self._flows[flow.name] = flow

    def __getitem__(self, name: str) -> Flow:
        return self._flows[name]

    def get(self, name: str | None) -> Flow | None:
        """The flow called `name`, or None (state may name a flow since removed)."""
        return self._flows.get(name) if name is not None else None

    def __contains__(self, name: object) -> bool:
        return name in self._flows

    def names(self) -> list[str]:
        """Flow names in registration order."""
        return list(self._flows)
