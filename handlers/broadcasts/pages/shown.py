"""The compose page's preview: what `handlers.broadcasts.preview` computes for the bot's preview
(recipients per channel, skipped, SMS segments by operator and by the readers' language, the
WhatsApp window and template), the message each language's readers get, and the quiet hours."""

from __future__ import annotations

from dataclasses import dataclass

from bot.channels import channel_name
from bot.channels.sms.operators import NAMES as OPERATORS
from bot.i18n import N_, language_name
from bot.settings import LANGUAGES
from bot.web.desk import Desk
from handlers.broadcasts.flows.broadcast_audience import describe_reach
from handlers.broadcasts.flows.broadcast_urgent import QUIET, holding_at
from handlers.broadcasts.pages.draft import Draft
from handlers.broadcasts.preview import Message, Preview, messages, preview, whatsapp_lines
from models.base import utcnow

OTHER_OPERATORS = N_("other operators and numbers abroad")


@dataclass(frozen=True)
class LanguageLine:
    """One reader language: its name, what its readers get, and their SMS (people, segments)."""

    code: str
    name: str
    message: Message
    sms: tuple[int, int]


@dataclass(frozen=True)
class Shown:
    """The preview as the page shows it, in the reader's language."""

    figures: Preview
    audience: str
    channels: list[tuple[str, int]]
    total: int
    operators: list[tuple[str, int]]
    languages: list[LanguageLine]
    unknown: tuple[int, int]  # SMS readers who chose no language: (people, segments)
    whatsapp: list[str]
    quiet: str | None  # the quiet hours that would hold it, said; None: it goes when due


def _capital(name: str) -> str:
    """“Кыргыз”: a language's name opening a line (the catalogs write it for inside one)."""
    return name[:1].upper() + name[1:]


async def show_preview(desk: Desk, draft: Draft) -> Shown | None:
    """The preview of `draft` — the bot's own figures for the same audience — or None while
    the form does not read yet."""
    broadcast = draft.broadcast
    if broadcast is None:
        return None
    settings = desk.workspace.settings
    figures = await preview(
        desk.session, broadcast, settings.whatsapp_daily_limit, settings.split_operators
    )
    written = await messages(desk.session, broadcast)
    lines = [
        LanguageLine(
            code,
            _capital(language_name(code, desk.tr)),
            written[code],
            figures.sms_by_language.get(code, (0, 0)),
        )
        for code in LANGUAGES
    ]
    quiet = holding_at(settings, draft.send_at or utcnow())
    said = desk.t(QUIET, start=f"{quiet.start:%H:%M}", end=f"{quiet.end:%H:%M}") if quiet else None
    return Shown(
        figures=figures,
        audience=await describe_reach(desk.session, desk.tr, broadcast),
        channels=[
            (channel_name(code, desk.tr), n) for code, n in sorted(figures.recipients.items())
        ],
        total=sum(figures.recipients.values()),
        operators=[
            (OPERATORS[name] if name != "other" else desk.t(OTHER_OPERATORS), n)
            for name, n in sorted(figures.sms_by_operator.items())
        ],
        languages=lines,
        unknown=figures.sms_by_language.get("", (0, 0)),
        whatsapp=whatsapp_lines(desk.tr, figures),
        quiet=said,
    )
