"""Channel adapters: each turns its provider's traffic into normalized messages and back.

`REGISTRY` lists every channel type in one place and refuses two with the same code.
"""

from __future__ import annotations

from bot.channels.base import ChannelRegistry, ChannelType
from bot.channels.simulator import SIMULATOR
from bot.channels.sms import SMS
from bot.channels.telegram import TELEGRAM
from bot.channels.whatsapp import WHATSAPP

REGISTRY = ChannelRegistry([SIMULATOR, TELEGRAM, SMS, WHATSAPP])


def channel_name(code: str) -> str:
    """What people call a channel they are reached on ("SMS", "Telegram"); the code of any
    other (the simulator, one since removed)."""
    known = REGISTRY.get(code)
    return known.name if known is not None and known.connect is not None else code


def reachable() -> list[ChannelType]:
    """The channels `kenesh serve` can reach people on (a broadcast may be limited to some)."""
    return [channel_type for channel_type in REGISTRY if channel_type.connect is not None]


__all__ = ["REGISTRY", "ChannelRegistry", "ChannelType", "channel_name", "reachable"]
