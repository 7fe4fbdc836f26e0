"""Priorities: the most-supported open needs of a municipality, and "me too" for one of them."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.steps import Choose, Confirm, Option
from bot.i18n import N_
from bot.text import shorten
from handlers.account.flows.places import chosen_municipality, municipality_name, place_steps
from handlers.account.groups import offer_after
from handlers.needs.moderation import public_text
from handlers.needs.needs import (
    STATUS_NAMES,
    category_name,
    priorities,
    support_need,
    supports,
    supports_of,
)
from models import ConsentStatus, Need


def _municipality(ctx: Context) -> int | None:
    return ctx.person.municipality_id or chosen_municipality(ctx)


async def _options(ctx: Context) -> Sequence[Option]:
    municipality = _municipality(ctx)
    if municipality is None:
        return []
    rows = await priorities(ctx.session, municipality)
    width = 24 if ctx.caps.compact else 40
    return [
        Option(
            str(need.id),
            f"{need.reference} · ▲{count} · {shorten(public_text(need, ctx.translator), width)}",
            aliases=(need.reference,),
        )
        for need, count in rows
    ]


async def _has_any(ctx: Context) -> bool:
    return bool(await _options(ctx))


async def _list_prompt(ctx: Context) -> str:
    name = await municipality_name(ctx, _municipality(ctx))
    return ctx.t(
        N_("Priorities of {place}: the needs most supported by residents. Choose one to see it."),
        place=name,
    )


async def _short_list_prompt(ctx: Context) -> str:
    name = await municipality_name(ctx, _municipality(ctx))
    return ctx.t(N_("Top needs of {place}:"), place=name)


async def describe_need(ctx: Context) -> str:
    """The chosen need as residents see it: reference, category, status, text, supports."""
    need = await ctx.session.get(Need, int(ctx.answers["need"]))
    if need is None:
        return "—"
    category = await category_name(ctx.session, need.category_id, ctx.language)
    count = await supports_of(ctx.session, need.id)
    return "\n".join(
        [
            f"{need.reference} · {category} · {ctx.t(STATUS_NAMES[need.status])}",
            shorten(public_text(need, ctx.translator), 90)
            if ctx.caps.compact
            else public_text(need, ctx.translator),
            ctx.tn("Supported by {n} person.", "Supported by {n} people.", count),
        ]
    )


async def support_prompt(ctx: Context) -> str:
    """The chosen need and the question whether to support it."""
    return await describe_need(ctx) + "\n\n" + ctx.t(N_("Do you support this need too?"))


def _may_support(ctx: Context) -> bool:
    return ctx.person.consent == ConsentStatus.given


ALREADY_SUPPORTS = N_("You already support this need.")
OWN_NEED = N_("You reported this need yourself, so your voice is already counted.")
CLOSED = N_("This need is closed and can no longer be supported.")


async def _support_state(ctx: Context) -> str | None:
    """Why this person cannot support the chosen need (a msgid), or None when they can: the
    reporter and a supporter are shown where they stand instead of the question."""
    need = await ctx.session.get(Need, int(ctx.answers["need"]))
    if need is None or not need.status.is_open:
        return CLOSED
    if need.reporter_id == ctx.person.id:
        return OWN_NEED
    if await supports(ctx.session, ctx.person, need):
        return ALREADY_SUPPORTS
    return None


async def asks_support(ctx: Context) -> bool:
    """Whether to ask at all: not for someone without consent, its reporter or a supporter."""
    return _may_support(ctx) and "need" in ctx.answers and await _support_state(ctx) is None


async def finish_support(ctx: Context) -> str | None:
    """Record the support (once), or say where the person stands and why."""
    if "need" not in ctx.answers:
        ctx.say(ctx.t(N_("There are no open needs in this municipality yet.")))
        return None
    if not _may_support(ctx):
        ctx.say(await describe_need(ctx))
        ctx.say(
            ctx.t(
                N_(
                    "To support a need, first give your consent to the processing of your data (in the menu)."
                )
            )
        )
        return None
    if "support" not in ctx.answers:  # not asked: where they stand
        state = await _support_state(ctx)
        ctx.say(await describe_need(ctx))
        ctx.say(ctx.t(state or ALREADY_SUPPORTS))
        return None
    if not ctx.answers["support"]:
        return None
    need = await ctx.session.get(Need, int(ctx.answers["need"]))
    state = await _support_state(ctx)  # it may have changed while they read
    if need is None or state is not None:
        ctx.say(ctx.t(state or CLOSED))
    elif await support_need(ctx.session, ctx.person, need):
        count = await supports_of(ctx.session, need.id)
        ctx.say(
            ctx.tn(
                "Thank you! {n} person now supports this need.",
                "Thank you! {n} people now support this need.",
                count,
            )
        )
        return await offer_after(ctx.session, ctx.settings, ctx.person)
    else:
        ctx.say(ctx.t(ALREADY_SUPPORTS))
    return None


def build() -> Flow:
    """Anyone may look; supporting needs consent. Without a stored municipality, ask for one."""
    return Flow(
        "priorities",
        [
            *place_steps(after="need", when=lambda ctx: ctx.person.municipality_id is None),
            Choose("need", _list_prompt, _options, when=_has_any, short=_short_list_prompt),
            Confirm(
                "support",
                support_prompt,
                when=asks_support,
            ),
        ],
        finish_support,
    )
