""" "Support this too" from a link: what a need's public page offers to open the bot at that need
on each channel, and the aside that recognises a person arriving with one.

- Telegram: `https://t.me/BOT?start=N-000123` — the bot receives `/start N-000123`;
- WhatsApp: `https://wa.me/NUMBER?text=%2BN-000123` — the chat opens with `+N-000123` typed;
- SMS: `+N123` sent to the municipality's number (short on a basic phone's keypad).

All of them say "+ a need's reference"; the leading + keeps a reference typed for another
reason (a staff member choosing a need by its number) from being taken for a link.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

from bot.channels.sms.numbers import number_to_text
from bot.conversation.asides import Jump
from bot.conversation.context import Context
from bot.conversation.keywords import start_payload
from bot.conversation.messages import Inbound
from bot.conversation.steps import Step
from bot.i18n import N_
from bot.settings import Settings
from models import ConsentStatus, Need
from models.need import format_reference, parse_reference

FLOW = "support_need"
SIGN = "+"
UNKNOWN = N_(
    "There is no need {ref} to support: it may have been removed. Check the number in the link."
)
AFTER_SETUP = N_("After a few questions to set you up, you will see need {ref}.")
TELEGRAM_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class SupportLinks:
    """How to support one need from each channel that is on (None: that channel is off)."""

    reference: str
    telegram: str | None
    whatsapp: str | None
    sms_number: str | None
    sms_text: str


def support_links(settings: Settings, need_id: int, municipality_code: str | None) -> SupportLinks:
    """The links and the SMS to send for need `need_id` of the municipality `municipality_code`."""
    reference = format_reference(need_id)
    telegram = whatsapp = None
    if settings.telegram_bot_token and settings.telegram_bot_username:
        telegram = f"https://t.me/{settings.telegram_bot_username}?start={reference}"
    if settings.whatsapp_token and settings.whatsapp_number:
        whatsapp = f"https://wa.me/{settings.whatsapp_number}?text={quote(SIGN + reference)}"
    return SupportLinks(
        reference=reference,
        telegram=telegram,
        whatsapp=whatsapp,
        sms_number=number_to_text(settings, municipality_code),
        sms_text=f"{SIGN}N{need_id}",
    )


def linked_need(text: str) -> int | None:
    """The need a message asks to support: `/start N-000123` (a Telegram link), or
    `+N-000123`, `+ n 123`, `+Н123` typed or pre-filled anywhere."""
    payload = start_payload(text)
    if payload is not None:
        return parse_reference(payload) if TELEGRAM_PAYLOAD.fullmatch(payload) else None
    stripped = text.strip()
    if not stripped.startswith(SIGN):
        return None
    return parse_reference(stripped[len(SIGN) :])


async def open_linked_need(ctx: Context, message: Inbound, step: Step | None) -> bool | Jump:
    """Someone followed a need's link: take them to it (after onboarding, for a newcomer). A
    need that does not exist or that staff hid is not there to support."""
    need_id = linked_need(message.text) if message.choice is None else None
    if need_id is None:
        return False
    need = await ctx.session.get(Need, need_id)
    if need is None or need.hidden:
        ctx.say(ctx.t(UNKNOWN, ref=format_reference(need_id)))
        return True
    if ctx.person.language is not None and ctx.person.consent == ConsentStatus.unknown:
        ctx.say(ctx.t(AFTER_SETUP, ref=need.reference))
    return Jump(FLOW, {"need": str(need.id)})
