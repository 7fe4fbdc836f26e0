"""Tender subscriptions of an NGO member: see them, add municipalities × sectors on a channel,
remove one, pause or resume all. Each change comes back to the list."""

from __future__ import annotations

from collections.abc import Sequence

from bot.audit import PermissionDenied
from bot.channels import channel_name
from bot.conversation.context import Context
from bot.conversation.flow import FINISH, Flow
from bot.conversation.repeat import Repeat
from bot.conversation.several import CONTINUE, ChooseSeveral
from bot.conversation.steps import Choose, Confirm, Option, translated_options
from bot.i18n import N_
from handlers.account.flows.places import chosen_in, municipality_name
from handlers.needs.flows.categories import category_options
from handlers.ngos.flows.ngo_register import (
    DONE,
    names_of_places,
    names_of_sectors,
    place_picks,
)
from handlers.ngos.ngos import category_ids_of, is_member, municipality_ids_of
from handlers.ngos.subscriptions import (
    set_paused,
    subscribe,
    subscription_channels,
    subscriptions_of,
    unsubscribe,
)

ADD, REMOVE, PAUSE, RESUME, OTHER = "add", "remove", "pause", "resume", "other"
PICKS, DONE_PICKING = "picks", "done_picking"  # the loop of municipalities, one a pass
ACTIONS = (
    (ADD, N_("Add subscriptions")),
    (REMOVE, N_("Remove a subscription")),
    (PAUSE, N_("Pause all")),
    (RESUME, N_("Resume all")),
    (DONE, N_("Done")),
)


PAUSED = N_("paused")


async def _lines(ctx: Context) -> list[str]:
    lines = []
    for s in await subscriptions_of(ctx.session, ctx.person):
        line = " · ".join(
            [
                await municipality_name(ctx, s.municipality_id),
                await names_of_sectors(ctx, [s.category_id]),
                channel_name(s.channel, ctx.translator),
            ]
        )
        lines.append(f"{line} ({ctx.t(PAUSED)})" if s.paused else line)
    return lines


async def _overview(ctx: Context) -> str:
    lines = await _lines(ctx)
    if not lines:
        return ctx.t(N_("You have no tender subscriptions yet. What would you like to do?"))
    heading = ctx.t(N_("Your tender subscriptions:"))
    return "\n".join([heading, *lines, "", ctx.t(N_("What would you like to do?"))])


async def _short_overview(ctx: Context) -> str:
    mine = await subscriptions_of(ctx.session, ctx.person)
    paused = sum(s.paused for s in mine)
    return ctx.tn(
        "{n} tender subscription, {paused} paused. What now?",
        "{n} tender subscriptions, {paused} paused. What now?",
        len(mine),
        paused=paused,
    )


async def _actions(ctx: Context) -> Sequence[Option]:
    mine = await subscriptions_of(ctx.session, ctx.person)
    shown = {
        ADD: True,
        REMOVE: bool(mine),
        PAUSE: any(not s.paused for s in mine),
        RESUME: any(s.paused for s in mine),
        DONE: True,
    }
    return translated_options(ctx, [(key, label) for key, label in ACTIONS if shown[key]])


async def _subscription_options(ctx: Context) -> Sequence[Option]:
    mine = await subscriptions_of(ctx.session, ctx.person)
    return [Option(str(s.id), line) for s, line in zip(mine, await _lines(ctx), strict=True)]


def _picked(ctx: Context) -> list[int]:
    """The municipalities picked so far: one a pass of `picks`, from the NGO's own or from the
    place tree."""
    ids: list[int] = []
    for item in ctx.answers.get(PICKS) or []:
        pick = item.get("pick")
        chosen = chosen_in(item) if pick == OTHER else int(pick)
        if chosen is not None and chosen not in ids:
            ids.append(chosen)
    return ids


async def _pick_options(ctx: Context) -> Sequence[Option]:
    """The NGO's municipalities not picked yet, then “another municipality”; once one is
    picked, “That's all, continue” first."""
    picked = _picked(ctx)
    ids = await municipality_ids_of(ctx.session, ctx.person.organization_id or 0)
    own = [Option(str(i), await municipality_name(ctx, i)) for i in ids if i not in picked]
    done = translated_options(ctx, [(DONE_PICKING, CONTINUE)]) if picked else []
    return [*done, *own, *translated_options(ctx, [(OTHER, N_("Another municipality"))])]


async def _places_prompt(ctx: Context) -> str:
    question = ctx.t(N_("Tenders of which municipalities? Choose one, then more if you like."))
    chosen = _picked(ctx)
    if not chosen:
        return question
    return question + "\n" + ctx.t(N_("Chosen: {names}"), names=await names_of_places(ctx, chosen))


async def _sectors(ctx: Context) -> Sequence[Option]:
    """Every sector, the NGO's own first."""
    own = {str(i) for i in await category_ids_of(ctx.session, ctx.person.organization_id or 0)}
    options = list(await category_options(ctx))
    return [o for o in options if o.id in own] + [o for o in options if o.id not in own]


async def _sectors_prompt(ctx: Context) -> str:
    question = ctx.t(N_("Tenders in which sectors? Choose one, then more if you like."))
    chosen = ctx.answers.get("sectors")
    if not chosen:
        return question
    return question + "\n" + ctx.t(N_("Chosen: {names}"), names=await names_of_sectors(ctx, chosen))


async def _channels(ctx: Context) -> Sequence[Option]:
    """The channels the person can be reached on, the one they are writing from first."""
    found = await subscription_channels(ctx.session, ctx.person)
    ordered = sorted(found, key=lambda channel: channel != ctx.address.channel)
    return [Option(c, channel_name(c, ctx.translator)) for c in ordered]


async def _several_channels(ctx: Context) -> bool:
    return len(await _channels(ctx)) > 1


def _chosen_channel(ctx: Context) -> str:
    return ctx.answers.get("channel") or ctx.address.channel


async def _confirm_prompt(ctx: Context) -> str:
    answers = ctx.answers
    lines = [
        ctx.t(
            N_("Municipalities: {places}"),
            places=await names_of_places(ctx, _picked(ctx)),
        ),
        ctx.t(N_("Sectors: {names}"), names=await names_of_sectors(ctx, answers["sectors"])),
        ctx.t(N_("Channel: {channel}"), channel=channel_name(_chosen_channel(ctx), ctx.translator)),
        "",
        ctx.t(N_("Subscribe to tenders of every one of these sectors in each municipality?")),
    ]
    return "\n".join(lines)


def _short_confirm(ctx: Context) -> str:
    return ctx.t(
        N_("Subscribe to tenders of the chosen municipalities and sectors, on {channel}?"),
        channel=channel_name(_chosen_channel(ctx), ctx.translator),
    )


def _route(ctx: Context) -> str:
    return {ADD: "pick", REMOVE: "remove"}.get(ctx.answers["action"], FINISH)


async def _finish(ctx: Context) -> str | None:
    action, answers = ctx.answers["action"], ctx.answers
    if action == DONE:
        return None
    try:
        if action in (PAUSE, RESUME):
            await set_paused(ctx.session, ctx.person, action == PAUSE)
            ctx.say(
                ctx.t(N_("Paused: no tender alerts come until you resume them."))
                if action == PAUSE
                else ctx.t(N_("Resumed: tender alerts come again."))
            )
        elif action == REMOVE:
            await unsubscribe(ctx.session, ctx.person, int(answers["remove"]))
            ctx.say(ctx.t(N_("The subscription is removed.")))
        elif answers.get("confirm"):
            added = await subscribe(
                ctx.session,
                ctx.person,
                _picked(ctx),
                [int(i) for i in answers["sectors"]],
                _chosen_channel(ctx),
            )
            ctx.say(ctx.tn("{n} new subscription.", "{n} new subscriptions.", added))
        else:
            ctx.say(ctx.t(N_("Nothing changed.")))
    except PermissionDenied:
        ctx.say(ctx.t(N_("This is only for members of an approved NGO.")))
        return None
    return "subscriptions"


def build() -> Flow:
    """A member of an approved NGO chooses which tenders reach them, and where."""
    return Flow(
        "subscriptions",
        [
            Choose("action", _overview, _actions, short=_short_overview, next=_route),
            Choose(
                "remove",
                N_("Which subscription do you want to remove?"),
                _subscription_options,
                next=lambda ctx: FINISH,
            ),
            Repeat(
                PICKS,
                [
                    Choose("pick", _places_prompt, _pick_options),
                    *place_picks(
                        PICKS,
                        N_("Choose the region, or type the name of the village or town."),
                        when=lambda ctx: ctx.answers.get("pick") == OTHER,
                    ),
                ],
                until=lambda ctx: ctx.answers.get("pick") == DONE_PICKING,
            ),
            ChooseSeveral("sectors", _sectors_prompt, _sectors),
            Choose(
                "channel",
                N_("Where should the alerts come?"),
                _channels,
                when=_several_channels,
            ),
            Confirm("confirm", _confirm_prompt, short=_short_confirm),
        ],
        _finish,
        allowed=is_member,
        refusal=N_("This is only for members of an approved NGO."),
    )
