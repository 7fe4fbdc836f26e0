"""What sending a broadcast now would do: recipients per channel, who is skipped, the SMS it
costs per operator, and on WhatsApp who is within the 24-hour window and who gets a template."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.sms.kind import CODE as SMS
from bot.channels.sms.operators import operator_of, splits
from bot.channels.sms.parts import split_parts
from bot.channels.sms.segments import Segments, count_segments, to_gsm
from bot.channels.whatsapp.kind import CODE as WHATSAPP
from bot.channels.whatsapp.sender import WINDOW
from bot.channels.whatsapp.templates import BY_KIND
from bot.i18n import N_, Translator
from bot.settings import get_settings
from handlers.broadcasts.audience import recipients, signed_texts
from models import Broadcast
from models.base import utcnow


@dataclass
class Preview:
    """Recipients per channel, those who will be skipped, and what the SMS part costs; on
    WhatsApp, who is within the 24-hour window (a free-form message) and who is not (a template
    of `whatsapp_category`, which Meta charges), and the days the number's messaging limit
    spreads the templates over."""

    recipients: dict[str, int] = field(default_factory=dict)
    skipped: int = 0
    sms_segments: int = 0
    # SMS that will really go, per operator (split ones counted part by part)
    sms_by_operator: dict[str, int] = field(default_factory=dict)
    whatsapp_open: int = 0
    whatsapp_closed: int = 0
    whatsapp_category: str = BY_KIND["broadcast"].category
    whatsapp_days: int = 1
    # the SMS part by the readers' language ("" for readers of none): (recipients, segments)
    sms_by_language: dict[str, tuple[int, int]] = field(default_factory=dict)


async def preview(
    session: AsyncSession,
    broadcast: Broadcast,
    daily_limit: int | None = None,
    split_operators: frozenset[str] | None = None,
) -> Preview:
    """What sending `broadcast` now would do (`daily_limit`: WhatsApp's messaging-limit tier;
    `split_operators`: SMS_SPLIT_OPERATORS, whose numbers get a long SMS in single parts)."""
    chosen = recipients(broadcast).subquery()
    in_window = chosen.c.seen_at > utcnow() - WINDOW
    # the operator is in the number: +996 and three digits (only SMS numbers are grouped so)
    prefix = case((chosen.c.channel == SMS, func.substr(chosen.c.address, 1, 7)), else_="")
    rows = await session.execute(
        select(
            chosen.c.channel, chosen.c.language, chosen.c.blocked, in_window, prefix, func.count()
        ).group_by(chosen.c.channel, chosen.c.language, chosen.c.blocked, in_window, prefix)
    )
    result, reached = Preview(), defaultdict(int)
    texts = await signed_texts(session, broadcast)
    by_operator: dict[str, int] = defaultdict(int)
    by_language: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    split = get_settings().split_operators if split_operators is None else split_operators
    for channel, language, blocked, open_window, number, count in rows.all():
        if blocked:
            result.skipped += count
            continue
        reached[channel] += count
        if channel == SMS:
            text = to_gsm(texts.get(language, texts[None]))
            sample = (number or "") + "000000"  # a whole number of that prefix
            if splits(sample, split):  # separate single SMS, each one segment
                cost = len(split_parts(text)) * count
            else:
                cost = count_segments(text).count * count
            result.sms_segments += cost
            by_operator[operator_of(sample)] += cost
            by_language[language or ""][0] += count
            by_language[language or ""][1] += cost
        elif channel == WHATSAPP and open_window:
            result.whatsapp_open += count
        elif channel == WHATSAPP:
            result.whatsapp_closed += count
    result.recipients = dict(reached)
    result.sms_by_operator = dict(by_operator)
    result.sms_by_language = {lang: (n, cost) for lang, (n, cost) in by_language.items()}
    if daily_limit and result.whatsapp_closed:
        result.whatsapp_days = math.ceil(result.whatsapp_closed / daily_limit)
    return result


@dataclass(frozen=True)
class Message:
    """What the readers of one language receive, and what one SMS of it costs (on operators
    that take a long SMS whole)."""

    text: str
    segments: Segments
    written: bool  # False: their language was not written, they get the closest one


async def messages(session: AsyncSession, broadcast: Broadcast) -> dict[str, Message]:
    """The message of each language's readers, signed as it will be sent, with its SMS cost."""
    texts = await signed_texts(session, broadcast)
    return {
        lang: Message(text, count_segments(to_gsm(text)), lang in broadcast.texts)
        for lang, text in texts.items()
        if lang is not None
    }


CATEGORIES = {"marketing": N_("marketing"), "utility": N_("utility")}


def whatsapp_lines(tr: Translator, seen: Preview) -> list[str]:
    """The WhatsApp part of a preview: who is within the window, who gets the template and
    its category, and how many days the number's limit spreads it over."""
    if not (seen.whatsapp_open or seen.whatsapp_closed):
        return []
    lines = [
        tr.t(
            N_(
                "WhatsApp: {open} within the 24-hour window, {closed} outside it, who get a "
                "{category} template (Meta charges for it)."
            ),
            open=seen.whatsapp_open,
            closed=seen.whatsapp_closed,
            category=tr.t(CATEGORIES[seen.whatsapp_category]),
        )
    ]
    if seen.whatsapp_days > 1:
        lines.append(
            tr.tn(
                "The number's messaging limit spreads the templates over {n} day.",
                "The number's messaging limit spreads the templates over {n} days.",
                seen.whatsapp_days,
            )
        )
    return lines
