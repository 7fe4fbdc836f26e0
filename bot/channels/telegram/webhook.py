"""The Telegram webhook, a bare ASGI endpoint (served ahead of the app's routing, see
`bot/http.py`): only requests carrying our secret token are read.

A webhook request is the busiest thing the HTTP app serves, and FastAPI's way to it — routing,
dependency solving, the request and response objects — cost about as much CPU as reading the
update. Here the request is the ASGI scope itself and the answer two messages.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import TYPE_CHECKING

from starlette.requests import ClientDisconnect
from starlette.types import Receive, Scope, Send

from bot.bodies import BodyTooLarge, answer, answer_json, read_limited
from bot.channels.telegram.updates import BODY_LIMIT, NotAnUpdate, Refusals

if TYPE_CHECKING:
    from bot.channels.telegram.channel import TelegramChannel

log = logging.getLogger("kenesh.telegram")

SECRET_HEADER = b"x-telegram-bot-api-secret-token"
OK = b'{"ok":true}'
UNAUTHORIZED = b'{"ok":false,"error":"unauthorized"}'
NOT_AN_UPDATE = b'{"ok":false,"error":"not an update"}'


class TelegramWebhook:
    """Updates from Telegram: 401 without the right secret token, 400 for a body that is not
    an update, 413 past the limit, 200 once the update's turn is committed."""

    def __init__(self, channel: TelegramChannel) -> None:
        self.channel = channel
        self.secret = (channel.settings.telegram_webhook_secret or "").encode()
        self.refusals = Refusals()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await answer(send, 405, headers=((b"allow", b"POST"),))
            return
        given = next((v for k, v in scope["headers"] if k == SECRET_HEADER), b"")
        if not self.secret or not hmac.compare_digest(given, self.secret):
            log.warning("telegram webhook: refused a request without the right secret token")
            await answer_json(send, 401, UNAUTHORIZED)
            return
        try:
            body = await read_limited(scope, receive, BODY_LIMIT)
        except BodyTooLarge as refused:
            await answer_json(send, 413, json.dumps({"detail": refused.detail}).encode())
            return
        except ClientDisconnect:
            return  # Telegram gave up on this request and sends the update again
        try:
            await self.channel.feed_webhook(body)
        except NotAnUpdate as refused:
            self.refusals.log(body, refused.reason)
            await answer_json(send, 400, NOT_AN_UPDATE)
            return
        await answer_json(send, 200, OK)
