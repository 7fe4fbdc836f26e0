"""SMS through Twilio: a signed webhook in, TwiML or the REST API out, opt-out words, SMS-sized
messages."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Channel, ChannelType
from bot.channels.sms.channel import SmsChannel
from bot.channels.sms.kind import CAPABILITIES, CODE
from bot.conversation.engine import Conversation
from bot.settings import Settings


def _enabled(settings: Settings) -> bool:
    return bool(settings.twilio_account_sid)


def _connect(conversation: Conversation, wake: Callable[[], None]) -> Channel:
    return SmsChannel(conversation.settings, conversation, wake=wake)


SMS = ChannelType(
    code=CODE,
    name="SMS",
    capabilities=CAPABILITIES,
    redact=("TWILIO_AUTH_TOKEN",),
    enabled=_enabled,
    connect=_connect,
    off="no TWILIO_ACCOUNT_SID: SMS is off",
    phone_numbers=True,
)

__all__ = ["SMS"]
