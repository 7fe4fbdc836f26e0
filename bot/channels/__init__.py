"""Channel adapters: each turns its provider's traffic into normalized messages and back.

`REGISTRY` lists every channel type in one place and refuses two with the same code.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.channels.base import ChannelRegistry, ChannelType
from bot.channels.simulator import SIMULATOR
from bot.channels.sms import SMS
from bot.channels.telegram import TELEGRAM
from bot.channels.whatsapp import WHATSAPP

if TYPE_CHECKING:
    from bot.i18n import Translator

REGISTRY = ChannelRegistry([SIMULATOR, TELEGRAM, SMS, WHATSAPP])


def channel_name(code: str, tr: Translator | None = None) -> str:
    """What people call a channel ("SMS", "Telegram", the terminal simulator), in the reader's
    language with `tr`; never the bare code but for a channel since removed."""
    known = REGISTRY.get(code)
    if known is None:
        return code
    return tr.t(known.name) if tr is not None else known.name


def reachable() -> list[ChannelType]:
    """The channels `kenesh serve` can reach people on (a broadcast may be limited to some)."""
    return [channel_type for channel_type in REGISTRY if channel_type.connect is not None]


__all__ = ["REGISTRY", "ChannelRegistry", "ChannelType", "channel_name", "reachable"]
