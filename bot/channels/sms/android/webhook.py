"""The gateway's signed webhook, `POST /sms/android`: incoming SMS, delivery events, pings.

Each request carries `X-Signature`, the hex HMAC-SHA256 of the raw body followed by the
`X-Timestamp` value (Unix seconds), keyed with the phone's signing key. A request that is not
signed so, or whose timestamp is more than five minutes off, gets 401 and changes nothing.

`messageId` of an incoming SMS is made from its content, so two people sending "1" can share
one; the event `id` is new for every webhook registered. A message is known again by the phone
that received it, the sender, the time it was received and that content id together.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.bodies import read_body
from bot.channels.sms.android.devices import Device

log = logging.getLogger("kenesh.sms")

PATH = "/sms/android"
# an event is one SMS (at most a few kilobytes of JSON): a larger body is refused unread
BODY_LIMIT = 64 * 1024
MAX_SKEW = 300  # seconds a timestamp may be off: older (or newer) is refused as a replay


def signature(key: str, body: bytes, timestamp: str) -> str:
    """The gateway's signature of `body` sent at `timestamp`."""
    return hmac.new(key.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()


def signed_by(
    keys: list[str], body: bytes, timestamp: str, given: str, now: float | None = None
) -> str | None:
    """The key among `keys` that signed this request, if it is fresh; None: refuse it."""
    if not given or not (timestamp.isascii() and timestamp.isdigit()):
        return None
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW:
        return None
    for key in keys:
        if hmac.compare_digest(signature(key, body, timestamp), given.strip().lower()):
            return key
    return None


@dataclass(frozen=True)
class Event:
    """One webhook event, signed and parsed."""

    kind: str  # sms:received, sms:sent, sms:delivered, sms:failed, system:ping, …
    device: Device
    payload: dict[str, Any]

    def dedup_key(self) -> str:
        """The key an incoming SMS is known by when the gateway delivers it again."""
        p = self.payload
        parts = (self.device.name, _sender(p), p.get("receivedAt"), p.get("messageId"))
        digest = hashlib.sha256("|".join(str(part) for part in parts).encode()).hexdigest()
        return "android:" + digest[:48]


def _sender(payload: dict[str, Any]) -> str:
    # `sender` since 2026; `phoneNumber` before (still sent alongside it)
    return str(payload.get("sender") or payload.get("phoneNumber") or "")


def received_at(event: Event) -> datetime | None:
    """When the phone received the SMS (`receivedAt`, ISO 8601), if it says so readably."""
    try:
        when = datetime.fromisoformat(str(event.payload.get("receivedAt") or ""))
    except ValueError:
        return None
    return when if when.tzinfo else None  # a phone's local time without a zone: unknown


def sender_of(event: Event) -> str:
    """The number an incoming SMS came from, as the phone reported it."""
    return _sender(event.payload)


def parse(devices: list[Device], body: bytes, key: str) -> Event | None:
    """The event in `body`, from the phone whose key signed it; None if it is not one."""
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("payload"), dict):
        return None
    device_id = data.get("deviceId")
    device = next((d for d in devices if d.device_id and d.device_id == device_id), None)
    if device is None:  # a phone declared without its gateway id: the only one that could be
        unnamed = [d for d in devices if not d.device_id]
        device = unnamed[0] if len(unnamed) == 1 else None
    if device is None or device.signing_key != key:
        return None
    return Event(str(data.get("event", "")), device, data["payload"])


def webhook_router(gateway: Any) -> APIRouter:
    """The route the gateway's phones post their events to."""
    router = APIRouter()

    @router.post(PATH)
    async def android_webhook(request: Request) -> Response:
        """An event from a gateway phone: 401 unless signed and fresh; 204 once handled."""
        body = await read_body(request, BODY_LIMIT)
        keys = gateway.signing_keys()
        key = signed_by(
            keys,
            body,
            request.headers.get("X-Timestamp", ""),
            request.headers.get("X-Signature", ""),
        )
        if key is None:
            log.warning("sms gateway webhook: refused a request without a valid fresh signature")
            return Response("unauthorized", status_code=401)
        event = parse(gateway.devices, body, key)
        if event is None:
            log.warning("sms gateway webhook: a signed request that is no event of a known phone")
            return Response("not an event of a known phone", status_code=400)
        if not await gateway.handle(event):
            # the phone retries (after 10 s, 20 s, 40 s …): by then the send is recorded
            return Response("no such message yet", status_code=503)
        return Response(status_code=204)

    return router
