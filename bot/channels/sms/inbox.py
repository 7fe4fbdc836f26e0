"""What an SMS route hands its messages to: the SMS channel, as the gateway's phones see it.

A protocol, so the phones' code (`android/`) depends on this and not on the channel that owns
them (the channel builds the gateway; the gateway only takes messages in and wakes the sender).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.ext.asyncio import async_sessionmaker

    from bot.conversation.engine import Conversation
    from bot.conversation.messages import Photo, Reply
    from bot.settings import Settings


class SmsInbox(Protocol):
    settings: Settings
    sessions: async_sessionmaker
    conversation: Conversation
    wake: Callable[[], None]  # look at the outbox now: a phone came back, a reply was queued

    async def take(
        self,
        phone: str,
        text: str,
        photo: Photo | None,
        key: str | None,
        route: str,
        queued: list[int] | None = None,
    ) -> list[Reply]:
        """One inbound SMS: commands first, then the conversation; replies via the outbox."""
        ...
