"""aiogram's HTTP session, made lighter for bulk sending.

aiogram posts every call as a multipart form; a call without a file goes as one JSON body here
(the Bot API takes both), which costs markedly less CPU per message. And aiogram builds the
pydantic type `Response[T]` for every answer it reads: pydantic caches these only while they
are referenced, so the ones for the calls we make are kept alive.

A text message, what a broadcast is, skips aiogram's models altogether (`send_text`): its
sendMessage body is written directly and only the message id is read from a successful answer.
Validating the method and the whole `Message` answer with pydantic was about half of the CPU of
a send. An answer that is not a success goes through aiogram's own checks, so errors are
aiogram's exceptions exactly as before.
"""

from __future__ import annotations

import json
from typing import Any, cast
from urllib.parse import urlsplit

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import (
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
    User,
)
from aiohttp import ClientError

from bot.channels.wire import DEFAULT_LIMIT, Wire

# referenced here, so pydantic's generic cache keeps them instead of rebuilding them per call
KEPT_TYPES = (Response[Message], Response[bool], Response[list[Update]], Response[User])
JSON = "application/json"
Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
REMOVE = {"remove_keyboard": True}  # ReplyKeyboardRemove(), what most messages carry


class JsonSession(AiohttpSession):
    """Posts calls without files as JSON; calls with files as aiogram does."""

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 (aiogram's signature)
    ) -> TelegramType:
        files: dict[str, Any] = {}
        body = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files, _dumps_json=False)
            if prepared is not None:
                body[key] = prepared
        if files:
            return await super().make_request(bot, method, timeout)
        session = await self.create_session()
        url = self.api.api_url(token=bot.token, method=method.__api_method__)
        try:
            async with session.post(
                url,
                data=self.json_dumps(body),
                headers={"Content-Type": "application/json"},
                timeout=self.timeout if timeout is None else timeout,
            ) as response:
                raw = await response.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method, message="Request timeout error") from error
        except ClientError as error:
            message = f"{type(error).__name__}: {error}"
            raise TelegramNetworkError(method=method, message=message) from error
        checked = self.check_response(
            bot=bot, method=method, status_code=response.status, content=raw
        )
        return cast(TelegramType, checked.result)

    async def send_text(
        self, bot: Bot, chat_id: int, text: str, markup: Markup | None, *, paid: bool = False
    ) -> int:
        """sendMessage of plain `text` (with `markup`, and allow_paid_broadcast when `paid`),
        as aiogram's `bot.send_message` sends it; the message id. Raises what aiogram raises."""
        body: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if markup is not None:
            body["reply_markup"] = _dumped(markup)
        if paid:
            body["allow_paid_broadcast"] = True

        def method() -> SendMessage:  # built only when aiogram has to judge an answer
            return SendMessage(
                chat_id=chat_id,
                text=text,
                reply_markup=markup,
                allow_paid_broadcast=True if paid else None,
            )

        try:
            answer = await self._wire_for(bot).post(
                self._path(bot, "sendMessage"), json.dumps(body).encode(), JSON, self.timeout
            )
        except TimeoutError as error:
            raise TelegramNetworkError(method=method(), message="Request timeout error") from error
        except OSError as error:  # WireError is one
            message = f"{type(error).__name__}: {error}"
            raise TelegramNetworkError(method=method(), message=message) from error
        status, raw = answer.status, answer.body
        if 200 <= status < 300:
            try:
                answer = json.loads(raw)
                if answer["ok"] is True:
                    return int(answer["result"]["message_id"])
            except (ValueError, KeyError, TypeError):
                pass  # aiogram says what is wrong with it
        text_of = raw.decode("utf-8", errors="replace")
        checked = self.check_response(bot=bot, method=method(), status_code=status, content=text_of)
        return cast(Message, checked.result).message_id

    _wire: Wire | None = None
    _paths: dict[str, str] | None = None

    def _wire_for(self, bot: Bot) -> Wire:
        if self._wire is None:
            parts = urlsplit(self.api.api_url(token=bot.token, method="sendMessage"))
            limit = int(self._connector_init.get("limit") or DEFAULT_LIMIT)
            self._wire = Wire(f"{parts.scheme}://{parts.netloc}", limit=limit)
        return self._wire

    def _path(self, bot: Bot, method: str) -> str:
        """The request path of `method` (it holds the token: never logged)."""
        if self._paths is None:
            self._paths = {}
        if method not in self._paths:
            parts = urlsplit(self.api.api_url(token=bot.token, method=method))
            self._paths[method] = parts.path + (f"?{parts.query}" if parts.query else "")
        return self._paths[method]

    async def close(self) -> None:
        await super().close()
        if self._wire is not None:
            await self._wire.close()


def _dumped(markup: Markup) -> dict[str, Any]:
    """A keyboard as the Bot API takes it (what aiogram's `prepare_value` makes of it)."""
    if isinstance(markup, ReplyKeyboardRemove) and markup.selective is None:
        return REMOVE
    return markup.model_dump(mode="json", exclude_none=True)
