"""Channel adapters: each turns its provider's traffic into normalized messages and back.

`REGISTRY` lists every channel type in one place and refuses two with the same code.
"""

from __future__ import annotations

from bot.channels.base import ChannelRegistry, ChannelType
from bot.channels.simulator import SIMULATOR
from bot.channels.sms import SMS
from bot.channels.telegram import TELEGRAM

REGISTRY = ChannelRegistry([SIMULATOR, TELEGRAM, SMS])

__all__ = ["REGISTRY", "ChannelRegistry", "ChannelType"]
