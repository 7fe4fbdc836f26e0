"""A flow: named steps in the order a person sees them, and what happens when they are answered."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bot.conversation.context import Context
from bot.conversation.repeat import Repeat
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

    `steps` may hold loops (`Repeat`): their steps are the flow's steps too, asked once per item.
    `required`: the person cannot leave it with menu or cancel (onboarding). `allowed` decides who
    may start it; others are refused and the refusal is recorded. `drafts`: answers survive leaving
    for the menu, and the flow resumes at the first unanswered step when started again.
    """

    name: str
    steps: Sequence[Step | Repeat]
    finish: Finish
    required: bool = False
    drafts: bool = False
    allowed: Callable[[Person], bool] | None = None
    refusal: str = N_("Sorry, this is only for municipal staff.")
    # what "cancel" says: most flows keep nothing unfinished; some save as they go
    cancelled: str = N_("Cancelled. Nothing was saved.")
    _index: dict[str, int] = field(init=False, repr=False)
    # each loop with the span of its steps [start, stop) and its depth, innermost deepest
    _loops: list[tuple[Repeat, int, int, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._loops = []
        self.steps = self._unroll(self.steps, 0)
        self._index = {}
        for position, step in enumerate(self.steps):
            if step.name in self._index:
                raise ValueError(f"flow {self.name}: step {step.name} declared twice")
            self._index[step.name] = position

    def _unroll(self, steps: Sequence[Step | Repeat], depth: int, offset: int = 0) -> list[Step]:
        flat: list[Step] = []
        for step in steps:
            if isinstance(step, Repeat):
                start = offset + len(flat)
                inner = self._unroll(step.body, depth + 1, start)
                if step.more is not None:
                    inner.append(step.more)
                self._loops.append((step, start, start + len(inner), depth))
                flat += inner
            else:
                flat.append(step)
        return flat

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
        return await self._active_from(0, ctx, [])

    async def after(self, step: Step, ctx: Context, history: list[str]) -> Step | None:
        """The step after `step` for this person, or None when the flow is complete. Passes of
        loops end (into `history`) and start again on the way."""
        for loop, _start, stop, _depth in self._around(self._index[step.name]):
            if await loop.leaving(ctx):
                loop.drop(ctx)
                return await self._active_from(stop, ctx, history, left=loop)
        if step.next is not None:
            target = step.next(ctx)
            if target is None or target == FINISH:
                return None
            for loop, _start, stop, _depth in self._around(self._index[step.name]):
                if loop.name == target:  # naming its loop ends the pass
                    return await self._active_from(stop, ctx, history)
            chosen = self.step(target)
            return chosen if await chosen.active(ctx) else await self.after(chosen, ctx, history)
        return await self._active_from(self._index[step.name] + 1, ctx, history)

    def reopen(self, ctx: Context, marker: str) -> None:
        """`back` over the end of a loop's pass (`marker`, from the history): reopen it."""
        for loop, *_ in self._loops:
            if loop.marker == marker:
                loop.reopen(ctx)

    def _around(self, position: int) -> list[tuple[Repeat, int, int, int]]:
        """The loops whose steps include `position`, innermost first."""
        inside = [entry for entry in self._loops if entry[1] <= position < entry[2]]
        return sorted(inside, key=lambda entry: -entry[3])

    async def _active_from(
        self, position: int, ctx: Context, history: list[str], left: Repeat | None = None
    ) -> Step | None:
        """The first active step from `position` on. Coming from the step before it, a loop
        whose last step that was has finished a pass (except `left`, just left during one)."""
        restarted: set[str] = set()
        passed = True  # we arrive from position - 1 (not at the start of a loop's new pass)
        while True:
            ending = [] if not passed else self._ending(position, left)
            left = None
            for loop, start, _stop, _depth in ending:  # innermost first
                again = await loop.another(ctx)  # asked with the pass's answers at hand
                loop.store(ctx, history)
                if again:
                    if loop.name in restarted:
                        raise ValueError(f"flow {self.name}: loop {loop.name} asks nothing")
                    restarted.add(loop.name)
                    position, passed = start, False
                    break
            else:
                if position >= len(self.steps):
                    return None
                step = self.steps[position]
                if await step.active(ctx):
                    return step
                position, passed = position + 1, True

    def _ending(self, position: int, left: Repeat | None) -> list[tuple[Repeat, int, int, int]]:
        """The loops whose last step is just before `position`, innermost first (but not
        `left`, nor a loop inside it: they were left in the middle of a pass)."""
        span = next(((start, stop) for loop, start, stop, _ in self._loops if loop is left), None)

        def inside_left(entry: tuple[Repeat, int, int, int]) -> bool:
            return span is not None and span[0] <= entry[1] and entry[2] <= span[1]

        return [e for e in self._around(position - 1) if e[2] == position and not inside_left(e)]


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
