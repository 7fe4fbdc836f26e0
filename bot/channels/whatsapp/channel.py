"""The WhatsApp channel: the Cloud API's webhook in (verified, signed), statuses stored, and the
sender for the outbox worker.

`GET PUBLIC_URL/whatsapp/webhook` answers Meta's verification handshake; every POST must carry
`X-Hub-Signature-256`, the HMAC-SHA256 of the raw body with the app secret, or it gets 401 and
changes nothing. Each message id (`wamid.…`) is handled once.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Callable

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from sqlalchemy import select, update

from bot.bodies import read_body
from bot.channels.whatsapp.inbound import Status, changes
from bot.channels.whatsapp.kind import CAPABILITIES, CODE
from bot.channels.whatsapp.sender import BLOCKED, REENGAGE, WhatsAppSender
from bot.conversation.batch import GroupCommit
from bot.conversation.engine import Conversation
from bot.conversation.messages import Reply
from bot.settings import Settings
from models import Address, OutboxMessage, OutboxStatus

log = logging.getLogger("kenesh.whatsapp")

WEBHOOK_PATH = "/whatsapp/webhook"
SIGNATURE = "X-Hub-Signature-256"
BODY_LIMIT = 3 * 1024 * 1024  # Meta's webhook payloads are at most 3 MB


class WhatsAppChannel:
    """One business phone number: its webhook and its sender."""

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        if not (settings.whatsapp_app_secret and settings.whatsapp_verify_token):
            raise ValueError("WhatsApp needs WHATSAPP_APP_SECRET and WHATSAPP_VERIFY_TOKEN")
        self.settings = settings
        self.conversation = conversation
        self.sessions = conversation.sessions
        self.wake = wake
        self.sender = WhatsAppSender(settings, conversation.sessions)
        self.inbox = GroupCommit(conversation, CODE, CAPABILITIES)
        self._secret = settings.whatsapp_app_secret.encode()

    def router(self) -> APIRouter:
        """The webhook: Meta's handshake (GET) and its events (POST)."""
        return webhook_router(self)

    async def start(self) -> None:
        """Nothing to start: Meta calls the webhook."""

    async def stop(self) -> None:
        """Nothing to stop: Meta stops calling when the server goes."""

    async def close(self) -> None:
        """Close the Cloud API session."""
        await self.sender.close()

    def signed(self, body: bytes, header: str) -> bool:
        """Whether Meta signed `body` with our app secret."""
        expected = "sha256=" + hmac.new(self._secret, body, hashlib.sha256).hexdigest()
        return bool(header) and hmac.compare_digest(header.strip().lower(), expected)

    async def receive(self, payload: dict) -> None:
        """Handle every message and status event of one webhook POST."""
        received, statuses = changes(payload)
        for item in received:
            if item.unsupported:
                log.info("whatsapp: a message of a kind Kenesh does not read; asking again")
            await self.inbox.handle(item.inbound)
        if received:
            self.wake()
        for event in statuses:
            await self.status(event)

    async def status(self, event: Status) -> None:
        """Store what WhatsApp reports about a message we sent."""
        table = OutboxMessage.__table__
        where = (table.c.provider_id == event.message_id) & (table.c.channel == CODE)
        values: dict[str, object] = {"provider_status": event.status[:20]}
        metrics = self.conversation.metrics
        if event.status == "sent":
            where &= table.c.provider_status.is_(None)  # never after delivered or read
        elif event.status in ("delivered", "read"):
            values["status"] = OutboxStatus.delivered.value
            if event.status == "delivered":
                metrics.delivered.labels(channel=CODE).inc()
        elif event.status == "failed":
            if event.code == REENGAGE:
                await self._closed_window(event)
                return
            reason = f"whatsapp {event.code}: {event.title}"[:300]
            values |= {"status": OutboxStatus.failed.value, "error": reason}
            metrics.failed.labels(channel=CODE, reason=f"whatsapp {event.code}").inc()
        else:
            return
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                table.update().where(where).values(**values).returning(table.c.address_id)
            )
            addresses = {row for row in result.scalars().all() if row is not None}
            if event.code in BLOCKED and addresses:
                await session.execute(
                    update(Address).where(Address.id.in_(addresses)).values(unreachable=True)
                )

    async def _closed_window(self, event: Status) -> None:
        """131047 after the message was taken: the window had closed after all. The message
        goes again, as the worker sends outside the window: a template, or elsewhere."""
        async with self.sessions() as session, session.begin():
            message = await session.scalar(
                select(OutboxMessage)
                .where(OutboxMessage.provider_id == event.message_id, OutboxMessage.channel == CODE)
                .with_for_update()
            )
            if message is None or message.template is not None:
                return
            payload = dict(message.payload or Reply(text=message.body).to_payload())
            message.payload = {**payload, "window_closed": True}
            message.status = OutboxStatus.queued
            message.provider_status = "failed"
            message.error = f"whatsapp {REENGAGE}: {event.title}"[:300]
            message.not_before = None
        self.wake()


def webhook_router(channel: WhatsAppChannel) -> APIRouter:
    """The webhook's two methods."""
    router = APIRouter()
    token = (channel.settings.whatsapp_verify_token or "").encode()

    @router.get(WEBHOOK_PATH)
    async def whatsapp_verify(request: Request) -> Response:
        """Meta's verification handshake: the challenge echoed back for our verify token."""
        params = request.query_params
        given = params.get("hub.verify_token", "").encode()
        if params.get("hub.mode") != "subscribe" or not hmac.compare_digest(given, token):
            log.warning("whatsapp webhook: refused a verification with the wrong verify token")
            return PlainTextResponse("forbidden", status_code=403)
        return PlainTextResponse(params.get("hub.challenge", ""))

    @router.post(WEBHOOK_PATH)
    async def whatsapp_webhook(request: Request) -> Response:
        """Messages and statuses from Meta; only requests signed with our app secret count."""
        body = await read_body(request, BODY_LIMIT)
        if not channel.signed(body, request.headers.get(SIGNATURE, "")):
            log.warning("whatsapp webhook: refused a request without a valid signature")
            return PlainTextResponse("unauthorized", status_code=401)
        try:
            payload = json.loads(body)
        except ValueError:
            return PlainTextResponse("not JSON", status_code=400)
        if isinstance(payload, dict):
            await channel.receive(payload)
        return Response(status_code=200)

    return router
