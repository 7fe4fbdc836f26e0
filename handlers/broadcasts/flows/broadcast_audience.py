"""Who an announcement reaches: admins pick one municipality or all; anyone may narrow the
audience by channel, language or need category before the preview."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels import channel_name, reachable
from bot.conversation.context import Context
from bot.conversation.messages import Inbound
from bot.conversation.steps import Choose, Option, Reask, Step, translated_options
from bot.i18n import LANGUAGE_NAMES, N_, Translator, language_name
from bot.settings import LANGUAGES
from handlers.account.flows.places import PickPlace, chosen_municipality
from handlers.needs.flows.categories import category_options
from models import Audience, Broadcast, Category, Municipality, Role

AUDIENCES = (
    (Audience.residents, N_("Residents")),
    (Audience.ngos, N_("NGOs")),
    (Audience.everyone, N_("Everyone")),
)
SCOPES = (("all", N_("All municipalities")), ("one", N_("One municipality")))
FILTERS = (
    ("channel", N_("Only one channel")),
    ("reader_language", N_("Only some languages")),
    ("category", N_("Only people who reported or supported a need in a category")),
)
GO, CLEAR = "go", "clear"
FILTER_ANSWERS = ("channel", "languages", "category")


def _is_admin(ctx: Context) -> bool:
    return ctx.person.role == Role.admin


def municipality_of(ctx: Context) -> int | None:
    """The municipality the announcement is for: the staff member's own; for admins, the one
    they picked, or None for all."""
    if not _is_admin(ctx):
        return ctx.person.staff_municipality_id
    return chosen_municipality(ctx) if ctx.answers.get("scope") == "one" else None


def filters_of(ctx: Context) -> dict[str, Any]:
    """The narrowing chosen so far, as create_broadcast takes it."""
    category = ctx.answers.get("category")
    return {
        "channels": [ctx.answers["channel"]] if ctx.answers.get("channel") else None,
        "languages": list(ctx.answers.get("languages") or []) or None,
        "category_id": int(category) if category else None,
    }


async def describe_audience(ctx: Context) -> str:
    """“Residents · Barpy · SMS · Русский · Water supply”: the audience with its filters."""
    chosen = Broadcast(
        municipality_id=municipality_of(ctx),
        audience=Audience(ctx.answers["audience"]),
        **filters_of(ctx),
    )
    return await describe_reach(ctx.session, ctx.translator, chosen)


async def describe_reach(session: AsyncSession, tr: Translator, broadcast: Broadcast) -> str:
    """A broadcast's audience with its filters, in `tr`'s language (the bot's preview, the
    workspace's list and pages)."""
    unit = (
        await session.get(Municipality, broadcast.municipality_id)
        if broadcast.municipality_id
        else None
    )
    where = unit.name(tr.language) if unit else tr.t(N_("All municipalities"))
    if broadcast.municipality_id and unit is None:
        where = "—"
    parts = [tr.t(dict(AUDIENCES)[broadcast.audience]), where]
    if broadcast.channels:
        parts.append(", ".join(channel_name(c, tr) for c in broadcast.channels))
    if broadcast.languages:
        parts.append(", ".join(language_name(lang, tr) for lang in broadcast.languages))
    if broadcast.category_id:
        category = await session.get(Category, broadcast.category_id)
        parts.append(category.name(tr.language) if category else "?")
    return " · ".join(parts)


async def _audiences(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, [(a.value, label) for a, label in AUDIENCES])


async def _scopes(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, SCOPES)


async def _filter_prompt(ctx: Context) -> str:
    return ctx.t(
        N_("Who gets it now: {who}. Narrow it down further?"), who=await describe_audience(ctx)
    )


async def _filter_options(ctx: Context) -> Sequence[Option]:
    every_language = len(ctx.answers.get("languages") or []) == len(LANGUAGES)
    options = [(GO, N_("No, continue"))]
    options += [
        (key, label) for key, label in FILTERS if key != "reader_language" or not every_language
    ]
    if any(ctx.answers.get(key) for key in FILTER_ANSWERS):
        options.append((CLEAR, N_("Remove the filters")))
    return translated_options(ctx, options)


class ChooseFilter(Choose):
    """The next narrowing, or none; removing the filters asks again."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if value == CLEAR:
            for key in FILTER_ANSWERS:
                ctx.answers.pop(key, None)
            raise Reask
        return value


async def _channels(ctx: Context) -> Sequence[Option]:
    return [Option(kind.code, channel_name(kind.code, ctx.translator)) for kind in reachable()]


async def _reader_languages(ctx: Context) -> Sequence[Option]:
    chosen = ctx.answers.get("languages") or []
    return [Option(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES if lang not in chosen]


class ChooseReaderLanguage(Choose):
    """One more language whose readers get it (each pick adds one)."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        language = await super().accept(ctx, message)
        ctx.answers["languages"] = [*(ctx.answers.get("languages") or []), language]
        return language


def _back_to_filters(ctx: Context) -> str:
    return "filter"


def _after_filter(ctx: Context) -> str:
    chosen = ctx.answers["filter"]
    return "text" if chosen == GO else chosen


def audience_steps() -> list[Step]:
    """Audience → (admins) all municipalities or one → narrowing, repeated until they continue;
    then the step called "text"."""
    one_place = {"when": lambda ctx: _is_admin(ctx) and ctx.answers.get("scope") == "one"}
    return [
        Choose("audience", N_("Who is the announcement for?"), _audiences),
        Choose(
            "scope",
            N_("To which municipalities?"),
            _scopes,
            when=_is_admin,
            next=lambda ctx: "place1" if ctx.answers["scope"] == "one" else "filter",
        ),
        PickPlace(
            0,
            N_("Choose the region, or type the name of the village or town."),
            "filter",
            **one_place,
        ),
        PickPlace(1, N_("Choose the district or town."), "filter", **one_place),
        PickPlace(2, N_("Choose the ayil aimak or town."), "filter", **one_place),
        ChooseFilter("filter", _filter_prompt, _filter_options, next=_after_filter),
        Choose("channel", N_("Which channel?"), _channels, next=_back_to_filters),
        ChooseReaderLanguage(
            "reader_language",
            N_("Readers of which language? You can add another one after this."),
            _reader_languages,
            next=_back_to_filters,
        ),
        Choose("category", N_("Which category?"), category_options, next=_back_to_filters),
    ]
