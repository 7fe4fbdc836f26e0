"""Telegram through aiogram 3: inbound updates (webhook or polling) and a sender for the outbox."""

from __future__ import annotations

from collections.abc import Callable

from bot.channels.base import Channel, ChannelType
from bot.channels.telegram.kind import CAPABILITIES, CODE
from bot.conversation.engine import Conversation
from bot.settings import Settings


def _enabled(settings: Settings) -> bool:
    return bool(settings.telegram_bot_token)


def _connect(conversation: Conversation, wake: Callable[[], None]) -> Channel:
    # aiogram takes about a second to import: only a process that runs Telegram pays for it
    from bot.channels.telegram.channel import TelegramChannel

    return TelegramChannel(conversation.settings, conversation, wake=wake)


TELEGRAM = ChannelType(
    code=CODE,
    name="Telegram",
    capabilities=CAPABILITIES,
    redact=("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"),
    enabled=_enabled,
    connect=_connect,
    off="no TELEGRAM_BOT_TOKEN: Telegram is off",
)

__all__ = ["TELEGRAM"]
