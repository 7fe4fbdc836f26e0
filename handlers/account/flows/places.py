"""Choosing a municipality: oblast → rayon → city or ayil aimak, or typing part of its name."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from bot.conversation.context import Context
from bot.conversation.flow import FINISH
from bot.conversation.folding import fold
from bot.conversation.messages import Inbound
from bot.conversation.steps import Choose, Option, Text, resolve
from bot.i18n import N_
from models import Municipality, MunicipalityKind

LEVELS = ("place1", "place2", "place3")


async def _all(ctx: Context) -> list[Municipality]:
    return list((await ctx.session.scalars(select(Municipality).order_by(Municipality.id))).all())


def _sort_key(ctx: Context, unit: Municipality) -> tuple[int, str]:
    # Oblasts and cities first on the top level, then names in the reader's language.
    return (0 if unit.kind in ("oblast",) else 1, unit.name(ctx.language).casefold())


async def children(ctx: Context, parent_id: int | None) -> list[Municipality]:
    """The units directly under `parent_id` (the top level for None)."""
    units = await ctx.session.scalars(
        select(Municipality).where(Municipality.parent_id.is_(parent_id))
        if parent_id is None
        else select(Municipality).where(Municipality.parent_id == parent_id)
    )
    return sorted(units.all(), key=lambda u: _sort_key(ctx, u))


def _option(ctx: Context, unit: Municipality, parent: Municipality | None = None) -> Option:
    label = unit.name(ctx.language)
    if parent is not None:
        label = f"{label} ({parent.name(ctx.language)})"
    return Option(id=str(unit.id), label=label, aliases=unit.all_names())


async def search_places(ctx: Context, text: str, leaves_only: bool = False) -> Sequence[Option]:
    """Units whose name in any language or script contains what was typed; municipalities first."""
    key = fold(text)
    if len(key) < 3:
        return []
    units = await _all(ctx)
    by_id = {u.id: u for u in units}
    hits = [u for u in units if any(key in fold(name) for name in u.all_names())]
    if leaves_only:
        hits = [u for u in hits if u.is_leaf_kind]
    exact = [u for u in hits if any(key == fold(name) for name in u.all_names())]
    hits = exact or hits
    hits.sort(key=lambda u: (not u.is_leaf_kind, u.name(ctx.language).casefold()))
    return [_option(ctx, u, by_id.get(u.parent_id or 0)) for u in hits[:24]]


class PickPlace(Choose):
    """One level of the place tree; a pick clears the deeper levels' answers."""

    def __init__(self, level: int, prompt: Text, after: str, **kwargs: Any) -> None:
        self.level = level
        self.after_name = after
        self.default_prompt = prompt
        super().__init__(
            LEVELS[level],
            self._prompt,
            self._options,
            search=self._search,
            next=self._next,
            **kwargs,
        )

    async def _prompt(self, ctx: Context) -> str:
        # A district found by search skips a level: what is listed under it is ayil aimaks and
        # towns, whatever the level, so the question names what is listed.
        if self.level > 0:
            parent = await ctx.session.get(Municipality, int(ctx.answers[LEVELS[self.level - 1]]))
            if parent is not None and parent.kind in PROMPT_UNDER:
                return ctx.t(PROMPT_UNDER[parent.kind])
        return await resolve(self.default_prompt, ctx)  # a msgid, or a function of ctx

    async def _search(self, ctx: Context, text: str) -> Sequence[Option]:
        return await search_places(ctx, text, leaves_only=self.level == len(LEVELS) - 1)

    async def _options(self, ctx: Context) -> Sequence[Option]:
        parent = None if self.level == 0 else int(ctx.answers[LEVELS[self.level - 1]])
        return [_option(ctx, unit) for unit in await children(ctx, parent)]

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        for deeper in LEVELS[self.level + 1 :]:
            ctx.answers.pop(deeper, None)
        unit = await ctx.session.get(Municipality, int(value))
        ctx.answers["place_leaf"] = unit is not None and (
            unit.is_leaf_kind or self.level == len(LEVELS) - 1
        )
        return value

    def _next(self, ctx: Context) -> str | None:
        if ctx.answers.get("place_leaf"):
            return self.after_name
        return LEVELS[self.level + 1]


AYIL_AIMAK_OR_TOWN = N_("Choose your ayil aimak or town.")
# what is listed under a unit of each kind
PROMPT_UNDER = {
    MunicipalityKind.oblast: N_("Choose your district or town."),
    MunicipalityKind.rayon: AYIL_AIMAK_OR_TOWN,
}


def place_steps(after: str = FINISH, **kwargs: Any) -> list[PickPlace]:
    """The three levels of choosing a municipality; then `after` (a step name, or the end)."""
    return [
        PickPlace(
            0, N_("Choose your region, or type the name of your village or town."), after, **kwargs
        ),
        PickPlace(1, N_("Choose your district or town."), after, **kwargs),
        PickPlace(2, AYIL_AIMAK_OR_TOWN, after, **kwargs),
    ]


def chosen_municipality(ctx: Context) -> int | None:
    """The municipality picked with place_steps (the deepest level answered)."""
    return chosen_in(ctx.answers)


def chosen_in(answers: dict[str, Any]) -> int | None:
    """The municipality picked in `answers` (a flow's, or one pass of a loop of picks)."""
    for level in reversed(LEVELS):
        if answers.get(level):
            return int(answers[level])
    return None


async def municipality_name(ctx: Context, municipality_id: int | None) -> str:
    """A municipality's name in the reader's language."""
    unit = await ctx.session.get(Municipality, municipality_id) if municipality_id else None
    return unit.name(ctx.language) if unit else "—"
