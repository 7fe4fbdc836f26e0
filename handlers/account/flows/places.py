"""Choosing a municipality: oblast → rayon → city or ayil aimak, or typing its name.

What a person typed is searched across every language and script (`handlers.places.search`).
A resident choosing their own municipality (`place_steps`) confirms whatever a search found
before it is stored; after two misses, or when their village is not among the ayil aimaks of
their rayon, they say so: the typed place is kept for admins, and they go on at the rayon.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from bot import audit
from bot.conversation.context import Context
from bot.conversation.flow import FINISH
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, Choose, Confirm, Invalid, Option, Step, Text, resolve
from bot.i18n import N_
from bot.text import shorten
from handlers.places.search import descendants, label, search
from models import ConsentStatus, Municipality, MunicipalityKind, UnlistedPlace

LEVELS = ("place1", "place2", "place3")
CONFIRM, NAME = "place_ok", "place_name"
UNLISTED = "__unlisted"
MISSES_BEFORE_UNLISTED = 2
ECHO = 60  # the most of a missed text said back (a pasted message is not repeated whole)
# answers a pick leaves beside the levels' own, dropped when the person starts over
NOTES = ("place_leaf", "place_check", "place_via", "place_typed", "place_unlisted", NAME)


async def _all(ctx: Context) -> list[Municipality]:
    return list((await ctx.session.scalars(select(Municipality).order_by(Municipality.id))).all())


def _sort_key(ctx: Context, unit: Municipality) -> tuple[int, str]:
    # Oblasts and cities first on the top level, then names in the reader's language.
    return (0 if unit.kind in ("oblast",) else 1, unit.name(ctx.language).casefold())


async def children(ctx: Context, parent_id: int | None) -> list[Municipality]:
    """The current units directly under `parent_id` (the top level for None)."""
    query = select(Municipality).where(Municipality.successor_id.is_(None))
    query = query.where(
        Municipality.parent_id.is_(None)
        if parent_id is None
        else Municipality.parent_id == parent_id
    )
    return sorted((await ctx.session.scalars(query)).all(), key=lambda u: _sort_key(ctx, u))


def _option(
    ctx: Context, unit: Municipality, by_id: dict[int, Municipality] | None = None
) -> Option:
    # on SMS the rayon alone tells homonyms apart; elsewhere the oblast too
    text = label(unit, by_id, ctx.language, 1 if ctx.caps.compact else 2) if by_id else None
    return Option(id=str(unit.id), label=text or unit.name(ctx.language), aliases=unit.all_names())


async def search_places(
    ctx: Context, text: str, leaves_only: bool = False, within: int | None = None
) -> Sequence[Option]:
    """The units `text` names best, each with its rayon and oblast; one when one is meant (its
    alternatives kept in `place_alternatives`). `within`: first under that unit, then anywhere."""
    units = await _all(ctx)
    by_id = {u.id: u for u in units}
    found = search(units, text, descendants(units, within)) if within else None
    if found is None or not found.units:
        found = search(units, text)
    hits = [u for u in found.units if u.is_leaf_kind] if leaves_only else found.units
    best = found.best() if not leaves_only or len(hits) == 1 else None
    if leaves_only and len(hits) == 1:
        best = hits[0]
    ctx.answers.pop("place_via", None)
    if best is not None:
        ctx.answers["place_alternatives"] = [u.id for u in hits if u is not best][:8]
        if best.id in found.via:
            ctx.answers["place_via"] = found.via[best.id].id
        return [_option(ctx, best, by_id)]
    return [_option(ctx, u, by_id) for u in hits[:24]]


class PickPlace(Choose):
    """One level of the place tree; a pick clears the deeper levels' answers.

    `resident`: the person is choosing where they live — a search's find is confirmed (the
    `place_ok` step), and "my village is not in the list" is offered after two misses on the
    top level and always among a rayon's ayil aimaks."""

    def __init__(
        self, level: int, prompt: Text, after: str, resident: bool = False, **kwargs: Any
    ) -> None:
        self.level = level
        self.after_name = after
        self.resident = resident
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
        parent = ctx.answers.get(LEVELS[self.level - 1]) if self.level else None
        return await search_places(
            ctx,
            text,
            leaves_only=self.level == len(LEVELS) - 1,
            within=int(parent) if parent else None,
        )

    async def _options(self, ctx: Context) -> Sequence[Option]:
        parent = None if self.level == 0 else int(ctx.answers[LEVELS[self.level - 1]])
        options = [_option(ctx, unit) for unit in await children(ctx, parent)]
        if self.level == 0 and ctx.answers.get("place_alternatives"):
            units = await _all(ctx)
            by_id = {u.id: u for u in units}
            others = [by_id[i] for i in ctx.answers["place_alternatives"] if i in by_id]
            options = [_option(ctx, unit, by_id) for unit in others] + options
        if self.resident and self._offers_unlisted(ctx):
            options.append(
                Option(
                    UNLISTED,
                    ctx.t(N_("My village is not in the list")),
                    aliases=ctx.all_translations(N_("My village is not in the list")),
                )
            )
        return options

    def _offers_unlisted(self, ctx: Context) -> bool:
        if self.level == len(LEVELS) - 1:
            return True
        return (
            self.level == 0
            and not ctx.answers.get("place_typed")
            and ctx.scratch.get("misses", 0) >= MISSES_BEFORE_UNLISTED
        )

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        from_search = ctx.scratch.get("found") is not None
        try:
            value = await super().accept(ctx, message)
        except Invalid as invalid:
            raise await self._missed(ctx, message, invalid) from None
        typed = message.choice is None and not message.text.strip().isdigit()
        for deeper in LEVELS[self.level + 1 :]:
            ctx.answers.pop(deeper, None)
        if value == UNLISTED:
            return self._unlisted(ctx)
        unit = await ctx.session.get(Municipality, int(value))
        ctx.answers["place_check"] = bool(ctx.answers.get("place_check") or typed or from_search)
        if not typed:
            ctx.answers.pop("place_via", None)
        ctx.answers["place_leaf"] = unit is not None and (
            unit.is_leaf_kind
            or self.level == len(LEVELS) - 1
            or (bool(ctx.answers.get("place_typed")) and unit.kind == "rayon")
        )
        return value

    async def _missed(self, ctx: Context, message: Inbound, invalid: Invalid) -> Invalid:
        """A typed name that finds nothing: say so, point to the lists; count the misses."""
        text = message.text.strip()
        if not text or text.isdigit() or message.choice is not None:
            return invalid
        ctx.scratch.pop("found", None)
        ctx.scratch["misses"] = ctx.scratch.get("misses", 0) + 1
        ctx.scratch["missed"] = text[:200]
        if not self.resident or ctx.scratch["misses"] < MISSES_BEFORE_UNLISTED:
            return Invalid(
                ctx.t(
                    N_(
                        "Nothing found for “{text}”. Write it another way, or choose your "
                        "region and then your district from the list."
                    ),
                    text=shorten(text, ECHO),
                )
            )
        return Invalid(
            ctx.t(
                N_(
                    "Nothing found for “{text}” again. If your village is not in our list, "
                    "choose “My village is not in the list”: you go on with your district, "
                    "and we tell the administrators."
                ),
                text=shorten(text, ECHO),
            )
        )

    def _unlisted(self, ctx: Context) -> Any:
        if self.level == 0:
            # the typed place is kept; the person goes on to choose the region and district
            ctx.answers["place_typed"] = ctx.scratch.get("missed", "")
            ctx.scratch.pop("misses", None)
            raise Invalid(
                ctx.t(
                    N_("We will note “{place}”. Now choose your region, then your district."),
                    place=ctx.answers["place_typed"],
                )
            )
        # among a rayon's ayil aimaks: the person belongs to the rayon for now
        ctx.answers["place_unlisted"] = True
        ctx.answers["place_leaf"] = True
        return ctx.answers[LEVELS[self.level - 1]]

    def _next(self, ctx: Context) -> str | None:
        if not ctx.answers.get("place_leaf"):
            return LEVELS[self.level + 1]
        if not self.resident:
            return self.after_name
        if ctx.answers.get("place_unlisted") and not ctx.answers.get("place_typed"):
            return NAME
        if ctx.answers.get("place_check") or ctx.answers.get("place_typed"):
            return CONFIRM
        return self.after_name


AYIL_AIMAK_OR_TOWN = N_("Choose your ayil aimak or town.")
# what is listed under a unit of each kind
PROMPT_UNDER = {
    MunicipalityKind.oblast: N_("Choose your district or town."),
    MunicipalityKind.rayon: AYIL_AIMAK_OR_TOWN,
}


async def _confirm_prompt(ctx: Context) -> str:
    units = await _all(ctx)
    by_id = {u.id: u for u in units}
    chosen = by_id.get(chosen_municipality(ctx) or 0)
    if chosen is None:
        return "—"
    where = label(chosen, by_id, ctx.language)
    typed = ctx.answers.get("place_typed") or ctx.answers.get(NAME)
    if typed:
        return ctx.t(
            N_(
                "“{place}” is not in our list yet: we will tell the administrators. Until it "
                "is added, your municipality is {unit}. Is that right?"
            ),
            place=typed,
            unit=where,
        )
    old = by_id.get(ctx.answers.get("place_via") or 0)
    if old is not None:
        return ctx.t(
            N_("{old} is now part of {unit}. Is that your municipality?"),
            old=old.name(ctx.language),
            unit=where,
        )
    return ctx.t(N_("{unit} — is that right?"), unit=where)


class ConfirmPlace(Confirm):
    """Asks "Barpy ayil aimak (Suzak District, Jalal-Abad Region) — is that right?"; a no starts the
    choice over, offering the other units the search found first."""

    def __init__(self, after: str, **kwargs: Any) -> None:
        super().__init__(CONFIRM, _confirm_prompt, next=self._then, **kwargs)
        self.after_name = after

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        right = await super().accept(ctx, message)
        if not right:
            alternatives = ctx.answers.get("place_alternatives")
            for name in (*LEVELS, *NOTES):
                ctx.answers.pop(name, None)
            if alternatives:
                ctx.answers["place_alternatives"] = alternatives
        return right

    def _then(self, ctx: Context) -> str | None:
        return self.after_name if ctx.answers.get(CONFIRM) else LEVELS[0]


async def _first_prompt(ctx: Context) -> str:
    if ctx.answers.get(CONFIRM) is False:
        return ctx.t(N_("Then write the name again, or choose your region."))
    return ctx.t(N_("Choose your region, or type the name of your village or town."))


def place_steps(after: str = FINISH, **kwargs: Any) -> list[Step]:
    """A resident choosing their municipality: three levels, the village's name when it is not
    listed, and the confirmation of a search's find; then `after` (a step name, or the end)."""
    return [
        PickPlace(0, _first_prompt, after, resident=True, **kwargs),
        PickPlace(1, N_("Choose your district or town."), after, resident=True, **kwargs),
        PickPlace(2, AYIL_AIMAK_OR_TOWN, after, resident=True, **kwargs),
        Ask(
            NAME,
            N_("Write the name of your village: we will tell the administrators."),
            max_length=100,
            next=lambda ctx: CONFIRM,
            **kwargs,
        ),
        ConfirmPlace(after, **kwargs),
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


async def store_place(ctx: Context) -> int | None:
    """Make the picked municipality the person's; a place they typed that the register lacks
    is kept for admins (audited, without the person's name)."""
    ctx.person.municipality_id = chosen_municipality(ctx)
    typed = ctx.answers.get("place_typed") or ctx.answers.get(NAME)
    if typed and ctx.person.municipality_id is not None:
        await record_unlisted(ctx, typed, ctx.person.municipality_id)
    return ctx.person.municipality_id


async def record_unlisted(ctx: Context, typed: str, municipality_id: int) -> None:
    """Keep a typed place the register lacks, and audit it (by ids only)."""
    person = ctx.person.id if ctx.person.consent == ConsentStatus.given else None
    row = UnlistedPlace(text=typed[:200], municipality_id=municipality_id, person_id=person)
    ctx.session.add(row)
    await ctx.session.flush()
    await audit.record(
        ctx.session, person, "unlisted_place", "ok", f"unlisted={row.id} at={municipality_id}"
    )


async def municipality_name(ctx: Context, municipality_id: int | None) -> str:
    """A municipality's name in the reader's language."""
    unit = await ctx.session.get(Municipality, municipality_id) if municipality_id else None
    return unit.name(ctx.language) if unit else "—"
