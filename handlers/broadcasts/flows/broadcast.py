"""Staff announcements: audience (municipality, filters) → text (in more languages if they like)
→ when → preview → send (urgent in quiet hours, if it must)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.channels import channel_name
from bot.conversation.context import Context
from bot.conversation.flow import Flow, staff_only
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, AskTime, Choose, Option, translated_options
from bot.i18n import LANGUAGE_NAMES, N_
from bot.settings import LANGUAGES
from handlers.broadcasts.broadcasts import (
    create_broadcast,
    queue_broadcast,
)
from handlers.broadcasts.flows.broadcast_audience import (
    audience_steps,
    describe_audience,
    filters_of,
    municipality_of,
)
from handlers.broadcasts.flows.broadcast_urgent import (
    NO,
    URGENT,
    held_line,
    quiet_line,
    send_options,
)
from handlers.broadcasts.preview import preview, whatsapp_lines
from models import Audience, Broadcast, BroadcastStatus
from models.base import utcnow

DONE = "done"


def _texts(ctx: Context) -> dict[str, str]:
    texts = dict(ctx.answers.get("texts") or {})
    if ctx.answers.get("text"):
        texts[ctx.language] = ctx.answers["text"]
    return texts


async def _languages(ctx: Context) -> Sequence[Option]:
    written = _texts(ctx)
    options = [Option(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES if lang not in written]
    done = N_("That's all, continue")
    return [*options, *translated_options(ctx, [(DONE, done)])]


class ExtraText(Ask):
    """The announcement in the language just chosen."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        ctx.answers["texts"] = {**(ctx.answers.get("texts") or {}), ctx.answers["more"]: text}
        return text


def _draft(ctx: Context) -> Broadcast:
    return Broadcast(
        municipality_id=municipality_of(ctx),
        audience=Audience(ctx.answers["audience"]),
        texts=_texts(ctx),
        status=BroadcastStatus.scheduled,
        send_at=utcnow(),
        **filters_of(ctx),
    )


async def _preview(ctx: Context) -> str:
    seen = await preview(
        ctx.session, _draft(ctx), ctx.settings.whatsapp_daily_limit, ctx.settings.split_operators
    )
    channels = (
        ", ".join(
            f"{channel_name(channel, ctx.translator)} {n}"
            for channel, n in sorted(seen.recipients.items())
        )
        or "0"
    )
    counts = ctx.t(
        N_(
            "Recipients: {channels}. Skipped (stopped or unreachable): {skipped}. SMS cost: {segments} segments. Send it?"
        ),
        channels=channels,
        skipped=seen.skipped,
        segments=seen.sms_segments,
    )
    quiet = quiet_line(ctx)
    lines = [await describe_audience(ctx), *whatsapp_lines(ctx.translator, seen)]
    return "\n".join([*lines, *([quiet] if quiet else []), counts])


async def _finish(ctx: Context) -> str | None:
    answer = ctx.answers.get("confirm")
    if answer in (None, NO):
        ctx.say(ctx.t(N_("Cancelled. Nothing was sent.")))
        return None
    # a time typed before going back and choosing "Now" stays in the answers: "when" decides
    at = ctx.answers.get("at") if ctx.answers.get("when") == "later" else None
    broadcast = await create_broadcast(
        ctx.session,
        ctx.person,
        municipality_id=municipality_of(ctx),
        audience=Audience(ctx.answers["audience"]),
        texts=_texts(ctx),
        send_at=datetime.fromisoformat(at) if at else None,
        urgent=answer == URGENT,  # audited by the service
        **filters_of(ctx),
    )
    if at is None:
        count = await queue_broadcast(ctx.session, broadcast)
        ctx.say(
            ctx.tn(
                "Announcement {id} is on its way to {n} person.",
                "Announcement {id} is on its way to {n} people.",
                count,
                id=broadcast.id,
            )
        )
    else:
        ctx.say(
            ctx.t(
                N_("Announcement {id} will be sent at {time}."),
                id=broadcast.id,
                time=at[:16].replace("T", " "),
            )
        )
    held = held_line(ctx, answer)
    if held:
        ctx.say(held)
    ctx.say(ctx.t(N_("You can follow it under “My announcements (staff)”.")))
    return None


def build() -> Flow:
    """Staff announce to their municipality; admins to any one municipality, or to all."""
    return Flow(
        "broadcast",
        [
            *audience_steps(),
            Ask(
                "text",
                N_("Write the announcement in your language."),
                min_length=3,
                max_length=1000,
            ),
            Choose(
                "more",
                N_(
                    "Add it in another language? People without their language get the closest one."
                ),
                _languages,
                next=lambda ctx: "when" if ctx.answers["more"] == DONE else "extra",
            ),
            ExtraText(
                "extra",
                N_("Write it in the language you chose."),
                min_length=3,
                max_length=1000,
                next=lambda ctx: "more",
            ),
            Choose(
                "when",
                N_("When should it go?"),
                _when,
                next=lambda ctx: "at" if ctx.answers["when"] == "later" else "confirm",
            ),
            AskTime("at", N_("At what time? Write it like 2026-12-01 10:00 (Bishkek time).")),
            Choose("confirm", _preview, send_options),
        ],
        _finish,
        allowed=staff_only,
    )


async def _when(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, [("now", N_("Now")), ("later", N_("At a set time"))])
