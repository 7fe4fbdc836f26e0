"""WhatsApp through the Business Cloud API: a signed webhook in, the Graph API out, the 24-hour
window and templates for what Kenesh sends on its own initiative."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Channel, ChannelType
from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.kind import CAPABILITIES, CODE
from bot.conversation.engine import Conversation
from bot.settings import Settings


def _enabled(settings: Settings) -> bool:
    return bool(settings.whatsapp_token)


def _connect(conversation: Conversation, wake: Callable[[], None]) -> Channel:
    return WhatsAppChannel(conversation.settings, conversation, wake=wake)


WHATSAPP = ChannelType(
    code=CODE,
    name="WhatsApp",
    capabilities=CAPABILITIES,
    redact=("WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET", "WHATSAPP_VERIFY_TOKEN"),
    enabled=_enabled,
    connect=_connect,
    off="no WHATSAPP_TOKEN: WhatsApp is off",
    phone_numbers=True,  # a WhatsApp id is the sender's phone number, verified by WhatsApp
)

__all__ = ["WHATSAPP"]
