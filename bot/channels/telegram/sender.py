"""Sending to Telegram for the outbox worker: every request (each piece of a long reply, each
retry) waits for the channel's pace; a 429 holds the whole channel and retries through it; 403
marks the chat unreachable."""

from __future__ import annotations

import asyncio
import logging
from typing import cast

from aiogram import Bot
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.types import BufferedInputFile, Message

from bot.channels.telegram.kind import CODE
from bot.channels.telegram.render import Outgoing, render
from bot.channels.telegram.session import JsonSession
from bot.conversation.messages import Reply
from bot.delivery.sender import UNPACED, Delivery, Gate, Outcome

log = logging.getLogger("kenesh.telegram")

MAX_RETRY_AFTER = 60  # seconds; beyond that the message goes back to the queue
BACKOFF = (0.5, 1.0, 2.0)


class TelegramSender:
    """Sends replies through aiogram's Bot."""

    channel = CODE

    def __init__(
        self,
        bot: Bot,
        backoff: tuple[float, ...] = BACKOFF,
        rate: float | None = 30.0,
        *,
        paid: bool = False,
    ) -> None:
        self.bot = bot
        self.backoff = backoff
        self.rate = rate  # the bot's overall limit (TELEGRAM_RATE)
        # TELEGRAM_PAID_BROADCAST: up to 1000 a second, for 0.1 Star a message
        self.paid = {"allow_paid_broadcast": True} if paid else {}
        # text goes without aiogram's models or aiohttp where the session can (see session.py);
        # through a proxy, aiogram's own way
        self.lean = isinstance(bot.session, JsonSession) and bot.session.proxy is None
        self.per_address_interval = 1.0  # Telegram: at most one message a second to one chat

    @property
    def attempts(self) -> int:
        """Calls of one piece on 5xx and network errors: the first and its quick retries."""
        return len(self.backoff) + 1

    @property
    def longest_send(self) -> float:
        """Each attempt hanging until the session's timeout, and the pauses between them (a 429's
        wait comes on top: the worker's lease renewal covers it)."""
        return self.bot.session.timeout * self.attempts + sum(self.backoff)

    async def send(self, address: str, reply: Reply, gate: Gate = UNPACED) -> Delivery:
        """Send every piece of `reply`; the provider id is the last message's id."""
        provider_id = None
        for piece in render(reply):
            delivery = await self._with_retries(int(address), piece, gate)
            if delivery.outcome != Outcome.sent:
                return delivery
            provider_id = delivery.provider_id
        return Delivery(Outcome.sent, provider_id=provider_id)

    async def _with_retries(self, chat_id: int, piece: Outgoing, gate: Gate) -> Delivery:
        transient = 0
        while True:
            await gate.next()
            try:
                message_id = await self._call(chat_id, piece)
                return Delivery(Outcome.sent, provider_id=str(message_id))
            except TelegramRetryAfter as error:
                if error.retry_after > MAX_RETRY_AFTER:
                    return Delivery(Outcome.retry, error=f"429 retry_after={error.retry_after}")
                await gate.throttled(error.retry_after)  # the retry takes a slot after the hold
            except TelegramForbiddenError as error:
                return Delivery(Outcome.unreachable, error=f"403 {error.message}"[:300])
            except (TelegramUnauthorizedError, TelegramNotFound, TelegramBadRequest) as error:
                return Delivery(
                    Outcome.failed, error=f"{type(error).__name__}: {error.message}"[:300]
                )
            except (TelegramServerError, TelegramNetworkError) as error:
                if transient >= len(self.backoff):
                    return Delivery(
                        Outcome.retry, error=f"{type(error).__name__}: {error.message}"[:300]
                    )
                await asyncio.sleep(self.backoff[transient])
                transient += 1

    async def _call(self, chat_id: int, piece: Outgoing) -> int:
        """Send one piece; its message id."""
        if self.lean and piece.document is None and not piece.photo:
            session = cast(JsonSession, self.bot.session)
            return await session.send_text(
                self.bot, chat_id, piece.text, piece.markup, paid=bool(self.paid)
            )
        return (await self._aiogram(chat_id, piece)).message_id

    async def _aiogram(self, chat_id: int, piece: Outgoing) -> Message:
        if piece.document is not None:  # our own file: uploaded with the call
            upload = BufferedInputFile(piece.document.data, filename=piece.document.name)
            caption = piece.text or None
            if piece.document.is_image:
                return await self.bot.send_photo(
                    chat_id, photo=upload, caption=caption, reply_markup=piece.markup, **self.paid
                )
            return await self.bot.send_document(
                chat_id, document=upload, caption=caption, reply_markup=piece.markup, **self.paid
            )
        if piece.photo:
            return await self.bot.send_photo(
                chat_id,
                photo=piece.photo,
                caption=piece.text or None,
                reply_markup=piece.markup,
                **self.paid,
            )
        return await self.bot.send_message(
            chat_id, piece.text, reply_markup=piece.markup, **self.paid
        )
