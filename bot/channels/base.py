"""What every channel plug-in declares, the live channel it connects, and the registry of them.

A channel is one folder under `bot/channels/` and one line in the registry
(`bot/channels/__init__.py`): its type says what it can do and when it is on; the channel it
connects owns its traffic — the HTTP routes it serves (webhooks, status callbacks), the sender
the outbox worker hands its messages to, and its own start and stop.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from fastapi import APIRouter

from bot.conversation.engine import Conversation
from bot.conversation.messages import Capabilities
from bot.delivery.sender import Sender
from bot.settings import Settings


class Channel(Protocol):
    """A channel connected in one process. A channel with several ways out (SMS: Twilio and
    each gateway phone) also has `senders`, one per route; `sender` is then the first."""

    sender: Sender

    def router(self) -> APIRouter:
        """The HTTP routes this channel serves (webhooks, delivery reports); may be empty.
        A channel may also have `endpoints()`: bare ASGI endpoints by exact path, served ahead
        of the app's routing, for traffic too busy for FastAPI's (the Telegram webhook)."""
        ...

    async def start(self) -> None:
        """Start receiving (set a webhook, start polling…)."""
        ...

    async def stop(self) -> None:
        """Stop receiving: no new work comes in (the outbox worker stops next)."""
        ...

    async def close(self) -> None:
        """Release connections, once the worker no longer sends through them."""
        ...


# Builds the live channel for one process: the conversation to feed and the worker's wake-up.
Connect = Callable[[Conversation, Callable[[], None]], Channel]


def _never(settings: Settings) -> bool:
    return False


@dataclass(frozen=True)
class ChannelType:
    """A channel provider: its code (used in addresses), what it can do, what its logs must never
    show, and — for a provider `kenesh serve` connects — when it is on and how it connects."""

    code: str
    name: str
    capabilities: Capabilities
    redact: tuple[str, ...] = ()
    enabled: Callable[[Settings], bool] = _never
    connect: Connect | None = None
    # said in the log when the channel is off: what would turn it on
    off: str = ""
    # its addresses are phone numbers (E.164) the provider has verified as the sender's own
    # (SMS, WhatsApp): an address of the same number on another such channel is the same person
    phone_numbers: bool = False


class ChannelRegistry:
    """Every channel type by code; refuses duplicates."""

    def __init__(self, types: Sequence[ChannelType]) -> None:
        self._types: dict[str, ChannelType] = {}
        for channel_type in types:
            if channel_type.code in self._types:
                raise ValueError(f"channel {channel_type.code} registered twice")
            self._types[channel_type.code] = channel_type

    def __getitem__(self, code: str) -> ChannelType:
        return self._types[code]

    def __iter__(self) -> Iterator[ChannelType]:
        return iter(self._types.values())

    def get(self, code: str) -> ChannelType | None:
        """The channel type of `code`, if there is one."""
        return self._types.get(code)

    def codes(self) -> list[str]:
        """Registered codes, in order."""
        return list(self._types)

    def phone_channels(self) -> frozenset[str]:
        """Codes of the channels whose addresses are verified phone numbers."""
        return frozenset(code for code, kind in self._types.items() if kind.phone_numbers)
