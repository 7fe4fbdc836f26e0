"""aiogram's HTTP session, made lighter for bulk sending.

aiogram posts every call as a multipart form; a call without a file goes as one JSON body here
(the Bot API takes both), which costs markedly less CPU per message. And aiogram builds the
pydantic type `Response[T]` for every answer it reads: pydantic caches these only while they
are referenced, so the ones for the calls we make are kept alive.
"""

from __future__ import annotations

from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import TelegramMethod
from aiogram.methods.base import Response, TelegramType
from aiogram.types import Message, Update, User
from aiohttp import ClientError

# referenced here, so pydantic's generic cache keeps them instead of rebuilding them per call
KEPT_TYPES = (Response[Message], Response[bool], Response[list[Update]], Response[User])


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
