"""Sending SMS through one gateway phone's REST API (`POST /messages`), with the
`android-sms-gateway` client, for the outbox worker.

A phone that stops answering (off, no signal, the app stopped; the cloud server's "queue limits
exceeded; ensure device is online") is marked offline after a few tries: the worker then claims
nothing for it, its messages wait or move to another route, and a health probe now and then
(`GET /health`) brings it back.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time

import aiohttp
from android_sms_gateway import AsyncAPIClient, Message, TextMessage
from android_sms_gateway.ahttp import AiohttpAsyncHttpClient
from android_sms_gateway.errors import APIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.channels.sms.android.devices import Device
from bot.channels.sms.kind import CODE
from bot.channels.sms.render import bodies_for, render_text
from bot.conversation.messages import Reply
from bot.delivery import routes
from bot.delivery.sender import UNPACED, Delivery, Gate, Outcome

log = logging.getLogger("kenesh.sms")

BACKOFF = (0.5, 1.0)  # seconds between quick retries of a transient error
PROBE_SECONDS = 30.0  # how often an offline phone is asked whether it is back
TIMEOUT = aiohttp.ClientTimeout(total=20)
# A message the phone has not sent within a day is dropped by the gateway (the cloud server drops
# pending messages after 24 hours anyway): it would arrive far too late to mean anything.
TTL_SECONDS = 24 * 3600
OWN_ID = "k-"  # the start of every message id Kenesh gives the gateway


def own_message(message_id: str) -> str | None:
    """The outbox row's provider id for a message id of ours (a part's too); None: not ours."""
    return message_id.split(".", 1)[0] if message_id.startswith(OWN_ID) else None


def part_of(message_id: str) -> tuple[int, int] | None:
    """(part, parts) for the id of one part of a split message (`ID.2.3`); None: a whole one."""
    pieces = message_id.split(".")
    if len(pieces) != 3 or not (pieces[1].isdigit() and pieces[2].isdigit()):
        return None
    return int(pieces[1]), int(pieces[2])


class GatewaySender:
    """Sends one reply as one SMS through one phone; `route` is `android:NAME`."""

    channel = CODE

    def __init__(
        self,
        device: Device,
        router: object | None = None,
        backoff: tuple[float, ...] = BACKOFF,
        probe_seconds: float = PROBE_SECONDS,
        split_operators: frozenset[str] = frozenset(),
    ) -> None:
        self.device = device
        self.split_operators = split_operators  # SMS_SPLIT_OPERATORS
        self.route = device.route
        self.rate = device.per_minute / 60  # per second, as the worker paces
        self.per_address_interval = 0.0
        self.router = router  # chooses the routes of new SMS before each claim
        self.backoff = backoff
        self.probe_seconds = probe_seconds
        self.online = True  # as this process last read it
        self._failing = False  # a transport failure since the last good send
        self._engine: AsyncEngine | None = None  # the database the route's state is kept in
        self._probed_at = 0.0
        self._session: aiohttp.ClientSession | None = None
        self._client: AsyncAPIClient | None = None

    @property
    def attempts(self) -> int:
        """Calls of one send on transient errors: the first and its quick retries."""
        return len(self.backoff) + 1

    @property
    def longest_send(self) -> float:
        """Each attempt hanging until the timeout, and the pauses between them."""
        return (TIMEOUT.total or 0.0) * self.attempts + sum(self.backoff)

    @property
    def client(self) -> AsyncAPIClient:
        """The gateway client, made on first use (its HTTP session belongs to the running loop)."""
        if self._client is None:
            self._session = aiohttp.ClientSession(timeout=TIMEOUT)
            self._client = AsyncAPIClient(
                self.device.username,
                self.device.password,
                base_url=self.device.url,
                http_client=AiohttpAsyncHttpClient(self._session),
            )
        return self._client

    async def prepare(self, engine: AsyncEngine) -> bool | int:
        """Route new SMS, then say whether this phone can send now. An offline phone is probed
        now and then: when its API answers, one message is let through as a trial (in cloud
        mode the server answers for a phone that is away, so only a send tells)."""
        self._engine = engine
        if self.router is not None:
            await self.router.assign(engine)  # type: ignore[attr-defined]
        status = await routes.route_status(engine, self.route)
        self.online = status is None or status.online
        if self.online:
            return True
        if time.monotonic() - self._probed_at < self.probe_seconds:
            return False
        self._probed_at = time.monotonic()
        if not await self.probe():
            return False
        self._failing = True  # a good trial send brings the phone back
        return 1

    async def probe(self) -> bool:
        """Whether the phone's API answers its health check."""
        try:
            health = await self.client.health_check()
        except (APIError, aiohttp.ClientError, OSError, TimeoutError, ValueError):
            return False
        return health.status.value in ("pass", "warn")

    async def send(self, address: str, reply: Reply, gate: Gate = UNPACED) -> Delivery:
        """Send `reply` to the phone number `address` through this phone (as self-contained
        parts to an operator that does not join long SMS)."""
        # our own id, so the phone's reports name it even before the send is recorded; the
        # parts of a split message are ID.1.N, ID.2.N … (part and parts: the reports of each
        # tell whether the message is whole), and the outbox row keeps ID
        base = OWN_ID + secrets.token_urlsafe(12)
        bodies = bodies_for(address, render_text(reply), self.split_operators)
        delivery = Delivery(Outcome.sent)
        for i, body in enumerate(bodies, 1):
            delivery = await self._send_one(
                address, body, base if len(bodies) == 1 else f"{base}.{i}.{len(bodies)}", gate
            )
            if delivery.outcome != Outcome.sent:
                return delivery
        return Delivery(Outcome.sent, provider_id=base)

    async def _send_one(
        self, address: str, body: str, message_id: str, gate: Gate = UNPACED
    ) -> Delivery:
        message = Message(
            phone_numbers=[address],
            text_message=TextMessage(text=body),
            with_delivery_report=True,
            device_id=self.device.device_id,
            ttl=TTL_SECONDS,
            id=message_id,
        )
        reason = ""
        for pause in (*self.backoff, None):
            await gate.next()
            try:
                state = await self.client.send(message)
                return await self._sent(state.id)
            except APIError as error:
                status = error.status_code or 0
                reason = f"android {status}: {_message(error)}"[:300]
                if status == 409:  # "Message with such ID already exists": it is queued there
                    return await self._sent(None)
                if status == 400:
                    return Delivery(Outcome.failed, error=reason)
                # 401/403 (credentials), 503 (queue limits: the phone is not taking messages),
                # 5xx: the phone cannot send now
            except (aiohttp.ClientError, OSError, TimeoutError) as error:
                reason = f"network: {type(error).__name__}"
            if pause is None:
                break
            await asyncio.sleep(pause)
        return await self._failed(reason)

    async def _sent(self, provider_id: str | None) -> Delivery:
        if self._failing and self._engine is not None:  # the run of failures is over
            if await routes.record_online(self._engine, CODE, self.route):
                log.info("sms phone %s is back online", self.device.name)
            self.online = True
        self._failing = False
        return Delivery(Outcome.sent, provider_id=provider_id)

    async def _failed(self, reason: str) -> Delivery:
        """A transport failure: count it; once the phone is offline, hold its messages."""
        self._failing = True
        engine = self._engine
        if engine is not None and await routes.record_failure(engine, CODE, self.route, reason):
            if self.online:
                log.warning("sms phone %s went offline: %s", self.device.name, reason)
            self.online = False
            return Delivery(Outcome.held, error=reason)
        return Delivery(Outcome.retry, error=reason)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._session is not None:
            await self._session.close()
            self._session = self._client = None


def _message(error: APIError) -> str:
    response = error.response or {}
    return str(response.get("message") or error)
