"""Staff: their announcements, newest first — how each is going, and cancelling one that runs."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import Flow, staff_only
from bot.conversation.messages import Inbound
from bot.conversation.steps import Choose, Confirm, Invalid, Option, Reask, translated_options
from bot.delivery.routes import offline_waiting, route_name
from bot.formats import format_time
from bot.i18n import N_, text_for
from bot.text import shorten
from handlers.broadcasts.broadcasts import (
    broadcast_for_staff,
    broadcasts_for_staff,
    cancel_for_staff,
    is_running,
)
from handlers.broadcasts.progress import STATUS_NAMES, describe, progress
from models import Broadcast, BroadcastStatus

REFRESH, CANCEL, OTHERS, DONE = "refresh", "cancel", "others", "done"
ACTIONS = (
    (REFRESH, N_("Refresh")),
    (CANCEL, N_("Cancel the announcement")),
    (OTHERS, N_("Other announcements")),
    (DONE, N_("Done")),
)


async def _broadcast_options(ctx: Context) -> Sequence[Option]:
    shown = await broadcasts_for_staff(ctx.session, ctx.person)
    return [
        Option(
            str(b.id),
            f"#{b.id} · {ctx.t(STATUS_NAMES[b.status])} · "
            f"{shorten(text_for(b.texts, ctx.language), 20 if ctx.caps.compact else 40)}",
        )
        for b in shown
    ]


async def _has_broadcasts(ctx: Context) -> bool:
    return bool(await _broadcast_options(ctx))


async def _broadcast(ctx: Context) -> Broadcast:
    """The chosen broadcast, its scope checked again at every step (roles can change)."""
    return await broadcast_for_staff(ctx.session, ctx.person, int(ctx.answers["broadcast"]))


def _when(ctx: Context, broadcast: Broadcast) -> str:
    zone = ctx.settings.timezone
    if broadcast.finished_at is not None:
        return ctx.t(
            N_("Finished at {time}."), time=format_time(broadcast.finished_at, zone, ctx.language)
        )
    if broadcast.status == BroadcastStatus.scheduled:
        return ctx.t(
            N_("Goes out at {time} (Bishkek time)."),
            time=format_time(broadcast.send_at, zone, ctx.language),
        )
    return ctx.t(
        N_("Sending since {time}."), time=format_time(broadcast.queued_at, zone, ctx.language)
    )


async def _progress(ctx: Context) -> str:
    broadcast = await _broadcast(ctx)
    heading = ctx.t(
        N_("Announcement {id} · {status}"),
        id=broadcast.id,
        status=ctx.t(STATUS_NAMES[broadcast.status]),
    )
    text = shorten(text_for(broadcast.texts, ctx.language), 30 if ctx.caps.compact else 120)
    figures = describe(ctx.translator, await progress(ctx.session, broadcast.id), ctx.caps.compact)
    for route, count in await offline_waiting(ctx.session, broadcast.id):
        figures.append(
            ctx.tn(
                "{route} is offline since {time}: {n} message waits for it.",
                "{route} is offline since {time}: {n} messages wait for it.",
                count,
                route=route_name(route.route),
                time=format_time(route.since, ctx.settings.timezone, ctx.language),
            )
        )
    if ctx.caps.compact:
        return "\n".join([heading, *figures])
    return "\n".join([heading, f"“{text}”", _when(ctx, broadcast), "", *figures])


async def _action_options(ctx: Context) -> Sequence[Option]:
    running = is_running(await _broadcast(ctx))
    return translated_options(ctx, [a for a in ACTIONS if a[0] != CANCEL or running])


class ChooseAction(Choose):
    """Refreshing shows the figures again; the rest move on."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if value == REFRESH:
            raise Reask
        return value


class ChooseBroadcast(Choose):
    """One of the listed announcements (refused if it is no longer theirs to see)."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        try:
            await broadcast_for_staff(ctx.session, ctx.person, int(value))
        except PermissionDenied:
            raise Invalid(ctx.t(N_("This announcement is not of your municipality."))) from None
        return value


async def _cancel_prompt(ctx: Context) -> str:
    return ctx.t(
        N_("Cancel announcement {id}? Messages that have not gone yet will not be sent."),
        id=ctx.answers["broadcast"],
    )


async def _finish(ctx: Context) -> str | None:
    if "broadcast" not in ctx.answers:
        ctx.say(ctx.t(N_("You have not made any announcements yet.")))
        return None
    action = ctx.answers.get("action")
    if action == OTHERS:
        return "my_broadcasts"
    if action != CANCEL:
        return None
    if not ctx.answers.get("cancel"):
        ctx.say(ctx.t(N_("The announcement goes on.")))
        return None
    stopped = await cancel_for_staff(ctx.session, ctx.person, int(ctx.answers["broadcast"]))
    if stopped is None:
        ctx.say(ctx.t(N_("It has already finished; there is nothing to cancel.")))
    else:
        ctx.say(
            ctx.tn(
                "Announcement {id} is cancelled: {n} message will not be sent.",
                "Announcement {id} is cancelled: {n} messages will not be sent.",
                stopped,
                id=ctx.answers["broadcast"],
            )
        )
    return None


def build() -> Flow:
    """Staff see their own announcements of their municipality; admins see every one."""
    return Flow(
        "my_broadcasts",
        [
            ChooseBroadcast(
                "broadcast",
                N_("Your announcements, newest first. Choose one to see how it goes."),
                _broadcast_options,
                when=_has_broadcasts,
            ),
            ChooseAction(
                "action",
                _progress,
                _action_options,
                when=lambda ctx: "broadcast" in ctx.answers,
            ),
            Confirm("cancel", _cancel_prompt, when=lambda ctx: ctx.answers.get("action") == CANCEL),
        ],
        _finish,
        allowed=staff_only,
    )
