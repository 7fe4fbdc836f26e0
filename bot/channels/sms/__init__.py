"""SMS through Twilio and through Android gateway phones: signed webhooks in, TwiML or the REST
APIs out, one route per way out, opt-out words, SMS-sized messages."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Channel, ChannelType
from bot.channels.sms.android.devices import gateway_configured
from bot.channels.sms.channel import SmsChannel
from bot.channels.sms.kind import CAPABILITIES, CODE
from bot.conversation.engine import Conversation
from bot.settings import Settings


def _enabled(settings: Settings) -> bool:
    return bool(settings.twilio_account_sid) or gateway_configured(settings)


def _connect(conversation: Conversation, wake: Callable[[], None]) -> Channel:
    return SmsChannel(conversation.settings, conversation, wake=wake)


SMS = ChannelType(
    code=CODE,
    name="SMS",
    capabilities=CAPABILITIES,
    redact=("TWILIO_AUTH_TOKEN", "SMSGATE_PASSWORD", "SMSGATE_SIGNING_KEY"),
    enabled=_enabled,
    connect=_connect,
    off="no TWILIO_ACCOUNT_SID and no SMSGATE_URL / SMSGATE_DEVICES: SMS is off",
    phone_numbers=True,
)

__all__ = ["SMS"]
