"""Telegram through aiogram 3: inbound updates (webhook or polling) and a sender for the outbox."""

from bot.channels.base import ChannelType
from bot.conversation.messages import Capabilities

TELEGRAM = ChannelType(
    code="telegram",
    name="Telegram",
    capabilities=Capabilities(
        buttons=True,
        photos=True,
        location=True,
        contact=True,
        max_length=4096,
        page_size=16,
        documents=True,  # sendPhoto / sendDocument with the file's bytes
    ),
    redact=("TELEGRAM_BOT_TOKEN", "TELEGRAM_WEBHOOK_SECRET"),
)

__all__ = ["TELEGRAM"]
