"""Twilio's two webhooks, incoming messages and delivery reports, as bare ASGI endpoints
(served ahead of the app's routing, see `bot/http.py`): only forms Twilio signed are read.

Inbound SMS is, with Telegram's webhook, the busiest traffic the app serves; FastAPI's routing,
request and response objects cost a good share of an SMS's CPU for what is a signed form in and
a TwiML document out.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, parse_qsl

from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Receive, Scope, Send

from bot.bodies import BodyTooLarge, answer, read_limited

if TYPE_CHECKING:
    from bot.channels.sms.channel import SmsChannel

log = logging.getLogger("kenesh.sms")

# A form of Twilio's: a Body of 1,600 characters at 12 bytes each percent-encoded, ten media
# URLs and the rest fit in this with room to spare.
BODY_LIMIT = 32 * 1024
SIGNATURE = b"x-twilio-signature"


class TwilioWebhook:
    """One of Twilio's webhooks: 403 unless Twilio signed the form, 413 past the limit, 405 for
    anything but POST; else what `handle(params, query)` answers (status, body, media type)."""

    def __init__(
        self,
        sms: SmsChannel,
        handle: Callable[[dict[str, str], str], Awaitable[tuple[int, bytes, bytes | None]]],
    ) -> None:
        self.sms = sms
        self.handle = handle

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["method"] != "POST":
            await answer(send, 405, headers=((b"allow", b"POST"),))
            return
        try:
            body = await read_limited(scope, receive, BODY_LIMIT)
        except BodyTooLarge as refused:
            await answer(send, 413, refused.detail.encode(), b"text/plain; charset=utf-8")
            return
        except ClientDisconnect:
            return  # Twilio retries what it could not deliver
        query = scope.get("query_string", b"").decode("latin-1")
        params = self._signed(scope, body, query)
        if params is None:
            await answer(send, 403, b"forbidden", b"text/plain; charset=utf-8")
            return
        await answer(send, *await self.handle(params, query))

    def _signed(self, scope: Scope, body: bytes, query: str) -> dict[str, str] | None:
        if not body.isascii():  # Twilio percent-encodes its forms: raw bytes are not from it
            log.warning("sms webhook: refused a body that is not a URL-encoded form")
            return None
        params = dict(parse_qsl(body.decode("ascii"), keep_blank_values=True))
        path = scope["path"] + (f"?{query}" if query else "")
        signature = next((v for k, v in scope["headers"] if k == SIGNATURE), b"")
        if not self.sms.signed(path, params, signature.decode("latin-1")):
            log.warning("sms webhook: refused a request without a valid Twilio signature")
            return None
        return params


def twilio_endpoints(sms: SmsChannel, inbound_path: str, status_path: str) -> dict[str, ASGIApp]:
    """The inbound and status webhooks of the SMS channel, by path."""

    async def inbound(params: dict[str, str], query: str) -> tuple[int, bytes, bytes | None]:
        return 200, (await sms.receive(params)).encode(), b"application/xml"

    async def status(params: dict[str, str], query: str) -> tuple[int, bytes, bytes | None]:
        ids = parse_qs(query).get("outbox", [""])[-1]
        await sms.status(params, [int(i) for i in ids.split(",") if i.isascii() and i.isdigit()])
        return 204, b"", None

    return {
        inbound_path: TwilioWebhook(sms, inbound),
        status_path: TwilioWebhook(sms, status),
    }
