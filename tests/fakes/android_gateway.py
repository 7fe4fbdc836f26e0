"""A fake SMS Gateway for Android on 127.0.0.1: the 3rd-party REST API of its cloud/private
server (or of one phone in local mode, `prefix=""`) and the phones behind it, which post signed
webhooks, for driving the real `android-sms-gateway` client.

Modelled on the app's published OpenAPI document and webhook docs:

- auth: `Authorization: Basic user:password` (or `Bearer` a token); otherwise 401;
- `POST /messages`: `phoneNumbers` 1–100 numbers (E.164 unless `skipPhoneValidation`), exactly
  one of `textMessage` (1–65,535 characters), `dataMessage` or the deprecated `message`; `id`
  at most 36 characters, 409 when one with it exists; `deviceId` at most 21 and a known device;
  `simNumber` 1–3; `ttl` at least 5 and never with `validUntil`: else 400 with
  `{"code", "message"}`; 503 "queue limits exceeded" while the phone is offline (cloud mode);
  202 with the message state (`Pending`) and a `Location` header;
- `GET /messages/{id}`, `GET /health`, `GET /devices`, `GET|POST /webhooks`,
  `DELETE /webhooks/{id}`;
- each phone sends what it is given within Android's allowance of `limit` SMS per `period`
  seconds for one app (over it: `sms:failed` with `RESULT_ERROR_LIMIT_EXCEEDED`), and reports
  `sms:sent` then `sms:delivered`; `receive(...)` makes a phone get an SMS and post
  `sms:received`. Every webhook body is JSON `{deviceId, event, id, payload, webhookId}` signed
  with `X-Signature` = hex HMAC-SHA256(signing key, body + X-Timestamp).

`offline(True)` takes the phone off: local mode refuses connections (the server is gone), cloud
mode answers 503. Webhooks go to `deliver(url, body, headers)`: by default an HTTP POST; tests
of the ASGI app pass their own.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import re
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import aiohttp
from aiohttp import web

E164 = re.compile(r"\+[1-9]\d{6,14}")
Deliver = Callable[[str, bytes, dict[str, str]], Awaitable[int]]


@dataclass
class Sent:
    """One message the API accepted."""

    id: str
    device_id: str
    phone_numbers: list[str]
    text: str
    state: str = "Pending"
    request: dict[str, Any] = field(default_factory=dict)


@dataclass
class Phone:
    """One Android phone behind the API."""

    device_id: str
    number: str
    signing_key: str
    online: bool = True
    limit: int = 30  # Android's default: 30 SMS per 30 minutes for one app
    period: float = 1800.0
    sent_at: deque[float] = field(default_factory=deque)


class FakeGateway:
    """The API server and its phones."""

    def __init__(
        self,
        username: str = "kenesh",
        password: str = "gateway-password",
        signing_key: str = "signing-key-123",
        *,
        prefix: str = "/3rdparty/v1",
        local: bool = False,
        deliver: Deliver | None = None,
        retry_delay: float = 10.0,
    ) -> None:
        self.username, self.password, self.signing_key = username, password, signing_key
        self.prefix = prefix
        self.local = local  # offline: connections refused rather than 503
        self.deliver = deliver or _post
        # a webhook answered with anything but 2xx is posted again, after 10 s, 20 s, 40 s …
        # (14 times by default); tests shorten the wait
        self.retry_delay = retry_delay
        self.retries = 14
        self.reports = True  # False: the phones send but never report (tests post the reports)
        self.phones: dict[str, Phone] = {}
        self.messages: dict[str, Sent] = {}
        self.order: list[Sent] = []
        self.webhooks: dict[str, dict[str, Any]] = {}
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request
        self.failures: list[tuple[str, str]] = []  # (message id, reason)
        self.posted: list[tuple[str, int]] = []  # (event, status of our webhook's answer)
        self._off_after: tuple[int, str | None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._site: web.TCPSite | None = None
        self.port = 0

    def add_phone(self, device_id: str, number: str, **limits: Any) -> Phone:
        """A phone registered with this account."""
        phone = Phone(device_id, number, self.signing_key, **limits)
        self.phones[device_id] = phone
        return phone

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.prefix}"

    async def start(self) -> None:
        app = web.Application()
        p = self.prefix
        app.router.add_post(f"{p}/messages", self._send)
        app.router.add_get(f"{p}/messages/{{id}}", self._state)
        app.router.add_get(f"{p}/health", self._health)
        app.router.add_get(f"{p}/devices", self._devices)
        app.router.add_get(f"{p}/webhooks", self._list_webhooks)
        app.router.add_post(f"{p}/webhooks", self._add_webhook)
        app.router.add_delete(f"{p}/webhooks/{{id}}", self._delete_webhook)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await self._listen()

    async def _listen(self) -> None:
        assert self._runner is not None
        self._site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await self._site.start()
        self.port = self._site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        await self.settle()
        if self._runner is not None:
            await self._runner.cleanup()

    async def settle(self) -> None:
        """Wait until every phone has reported what it was given."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def offline(self, down: bool, device_id: str | None = None) -> None:
        """Take a phone (every phone) off, or bring it back."""
        for phone in self.phones.values():
            if device_id in (None, phone.device_id):
                phone.online = not down
        if self.local and self._site is not None:
            if down:
                await self._site.stop()
            else:
                await self._listen()

    def offline_after(self, count: int, device_id: str | None = None) -> None:
        """Take the phone off once `count` messages have been accepted (mid-broadcast)."""
        self._off_after = (count, device_id)

    # -- the API ---------------------------------------------------------------------------

    def _authorized(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        basic = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return hmac.compare_digest(header, f"Basic {basic}")

    def _error(self, status: int, message: str) -> web.Response:
        return web.json_response({"code": status, "message": message}, status=status)

    async def _send(self, request: web.Request) -> web.Response:
        self.requests.append(("POST", request.path))
        if not self._authorized(request):
            return self._error(401, "unauthorized")
        try:
            body = await request.json()
        except ValueError:
            return self._error(400, "invalid JSON")
        problem = self._invalid(body, request.query.get("skipPhoneValidation") == "true")
        if problem:
            return self._error(400, problem)
        phone = self._phone(body.get("deviceId"))
        if phone is None:
            return self._error(400, "device not found")
        if not phone.online:
            return self._error(503, "queue limits exceeded: too old pending message")
        message_id = body.get("id") or secrets.token_urlsafe(15)[:21]
        if message_id in self.messages:
            return self._error(409, "message with such ID already exists")
        text = (body.get("textMessage") or {}).get("text") or body.get("message") or ""
        sent = Sent(message_id, phone.device_id, list(body["phoneNumbers"]), text, request=body)
        self.messages[message_id] = sent
        self.order.append(sent)
        if self._off_after and len(self.order) >= self._off_after[0]:
            self._off_after, device = None, self._off_after[1]
            for other in self.phones.values():  # no await: the next request already finds it off
                if device in (None, other.device_id):
                    other.online = False
        task = asyncio.create_task(self._process(phone, sent))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        headers = {"Location": f"{self.prefix}/messages/{message_id}"}
        return web.json_response(self._view(sent), status=202, headers=headers)

    def _invalid(self, body: Any, skip_validation: bool) -> str | None:
        if not isinstance(body, dict):
            return "body must be an object"
        numbers = body.get("phoneNumbers")
        if not isinstance(numbers, list) or not 1 <= len(numbers) <= 100:
            return "phoneNumbers: 1 to 100 numbers"
        if not skip_validation and not all(
            isinstance(n, str) and E164.fullmatch(n) for n in numbers
        ):
            return "phoneNumbers: invalid phone number"
        contents = [k for k in ("textMessage", "dataMessage", "message") if body.get(k)]
        if len(contents) != 1:
            return "exactly one of textMessage, dataMessage, message"
        text = (body.get("textMessage") or {}).get("text", "") if body.get("textMessage") else ""
        if body.get("textMessage") and not 1 <= len(text) <= 65535:
            return "textMessage.text: 1 to 65535 characters"
        if len(str(body.get("id") or "")) > 36 or len(str(body.get("deviceId") or "")) > 21:
            return "id: at most 36 characters; deviceId: at most 21"
        sim = body.get("simNumber")
        if sim is not None and not (isinstance(sim, int) and 1 <= sim <= 3):
            return "simNumber: 1 to 3"
        if body.get("ttl") is not None and body.get("validUntil") is not None:
            return "ttl conflicts with validUntil"
        if body.get("ttl") is not None and not (isinstance(body["ttl"], int) and body["ttl"] >= 5):
            return "ttl: at least 5 seconds"
        return None

    def _phone(self, device_id: str | None) -> Phone | None:
        if device_id:
            return self.phones.get(device_id)
        # no device named: the server picks one of the account's phones
        return next(iter(self.phones.values()), None)

    def _view(self, sent: Sent) -> dict[str, Any]:
        return {
            "id": sent.id,
            "deviceId": sent.device_id,
            "state": sent.state,
            "isHashed": False,
            "isEncrypted": False,
            "recipients": [{"phoneNumber": n, "state": sent.state} for n in sent.phone_numbers],
            "states": {},
        }

    async def _state(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(401, "unauthorized")
        sent = self.messages.get(request.match_info["id"])
        if sent is None:
            return self._error(404, "message not found")
        return web.json_response(self._view(sent))

    async def _health(self, request: web.Request) -> web.Response:
        self.requests.append(("GET", request.path))
        return web.json_response({"status": "pass", "version": "1.0.0", "releaseId": 1})

    async def _devices(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(401, "unauthorized")
        now = datetime.now(UTC).isoformat()
        return web.json_response(
            [{"id": p.device_id, "name": p.number, "lastSeen": now} for p in self.phones.values()]
        )

    async def _list_webhooks(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(401, "unauthorized")
        return web.json_response(list(self.webhooks.values()))

    async def _add_webhook(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(401, "unauthorized")
        body = await request.json()
        if not body.get("url") or body.get("event") not in EVENTS:
            return self._error(400, "url and a known event are required")
        webhook_id = body.get("id") or secrets.token_urlsafe(15)[:21]
        self.webhooks[webhook_id] = {"id": webhook_id, "url": body["url"], "event": body["event"]}
        if body.get("deviceId"):
            self.webhooks[webhook_id]["deviceId"] = body["deviceId"]
        return web.json_response(self.webhooks[webhook_id], status=201)

    async def _delete_webhook(self, request: web.Request) -> web.Response:
        if not self._authorized(request):
            return self._error(401, "unauthorized")
        self.webhooks.pop(request.match_info["id"], None)
        return web.Response(status=204)

    # -- the phones ------------------------------------------------------------------------

    async def _process(self, phone: Phone, sent: Sent) -> None:
        """The phone sends a message (within Android's allowance) and reports on it."""
        if not self.reports:
            return
        now = time.monotonic()
        while phone.sent_at and phone.sent_at[0] < now - phone.period:
            phone.sent_at.popleft()
        for number in sent.phone_numbers:
            base = {"messageId": sent.id, "sender": phone.number, "recipient": number}
            if len(phone.sent_at) >= phone.limit:
                sent.state = "Failed"
                self.failures.append((sent.id, "RESULT_ERROR_LIMIT_EXCEEDED"))
                await self.emit(
                    phone, "sms:failed", {**base, "reason": "RESULT_ERROR_LIMIT_EXCEEDED"}
                )
                return
            phone.sent_at.append(now)
            sent.state = "Sent"
            await self.emit(phone, "sms:sent", {**base, "partsCount": 1, "sentAt": _now()})
            sent.state = "Delivered"
            await self.emit(phone, "sms:delivered", {**base, "deliveredAt": _now()})

    async def receive(
        self, device_id: str, sender: str, text: str, received_at: str | None = None
    ) -> list[int]:
        """A phone receives an SMS; the statuses our webhooks answered."""
        phone = self.phones[device_id]
        digest = hashlib.sha256(text.encode()).hexdigest()[:10]  # "content-based", not unique
        payload = {
            "messageId": digest,
            "message": text,
            "sender": sender,
            "phoneNumber": sender,
            "recipient": phone.number,
            "simNumber": 1,
            "receivedAt": received_at or _now(),
        }
        return await self.emit(phone, "sms:received", payload)

    def signed(self, phone: Phone, event: str, payload: dict[str, Any]) -> tuple[bytes, dict]:
        """One webhook request as the phone makes it: body and signed headers."""
        body = json.dumps(
            {
                "deviceId": phone.device_id,
                "event": event,
                "id": secrets.token_urlsafe(15)[:21],
                "payload": payload,
                "webhookId": "wh",
            }
        ).encode()
        timestamp = str(int(time.time()))
        mac = hmac.new(phone.signing_key.encode(), body + timestamp.encode(), hashlib.sha256)
        headers = {
            "Content-Type": "application/json",
            "X-Signature": mac.hexdigest(),
            "X-Timestamp": timestamp,
        }
        return body, headers

    async def emit(self, phone: Phone, event: str, payload: dict[str, Any]) -> list[int]:
        """Post `event` to every webhook registered for it; the statuses answered."""
        statuses = []
        for webhook in list(self.webhooks.values()):
            if webhook["event"] != event or webhook.get("deviceId") not in (None, phone.device_id):
                continue
            delay = self.retry_delay
            for _ in range(self.retries + 1):
                body, headers = self.signed(phone, event, payload)  # signed anew each time
                status = await self.deliver(webhook["url"], body, headers)
                self.posted.append((event, status))
                if 200 <= status < 300 or event == "sms:received":
                    break
                await asyncio.sleep(delay)
                delay *= 2
            statuses.append(status)
        return statuses


EVENTS = {
    "sms:received",
    "sms:data-received",
    "sms:sent",
    "sms:delivered",
    "sms:failed",
    "system:ping",
    "mms:received",
    "mms:downloaded",
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


async def _post(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, data=body, headers=headers) as response,
    ):
        return response.status
