"""What every channel type declares, and the registry of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.conversation.messages import Capabilities


@dataclass(frozen=True)
class ChannelType:
    """A channel provider: its code (used in addresses), what it can do, and what its logs must
    never show."""

    code: str
    name: str
    capabilities: Capabilities
    redact: tuple[str, ...] = ()


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

    def get(self, code: str) -> ChannelType | None:
        """The channel type of `code`, if there is one."""
        return self._types.get(code)

    def codes(self) -> list[str]:
        """Registered codes, in order."""
        return list(self._types)
