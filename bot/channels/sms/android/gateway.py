"""The Android gateway as a part of the SMS channel: its phones, their senders, their events.

Incoming SMS join the conversation exactly as Twilio's do, on the same `sms` address, so a
number is one person whichever way it writes; the phone it wrote to becomes the address's
route, and replies leave through that phone. Delivery events update the outbox row the send
created (matched by the gateway's message id).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from android_sms_gateway import Webhook, WebhookEvent
from android_sms_gateway.errors import APIError
from fastapi import APIRouter
from sqlalchemy import select

from bot.channels.sms.android.devices import Device, configured_devices
from bot.channels.sms.android.sender import GatewaySender, own_message
from bot.channels.sms.android.webhook import PATH, Event, received_at, sender_of, webhook_router
from bot.channels.sms.kind import CODE
from bot.delivery import routes
from bot.phones import normalize_phone
from models import OutboxMessage, OutboxStatus

if TYPE_CHECKING:
    from bot.channels.sms.inbox import SmsInbox
    from bot.channels.sms.routing import SmsRoutes

log = logging.getLogger("kenesh.sms")

# what Kenesh registers with each phone (one webhook per event, as the gateway wants)
EVENTS = ("sms:received", "sms:sent", "sms:delivered", "sms:failed", "system:ping")
ALIVE = {"system:ping", "app:started"}


class Gateway:
    """The declared phones of one deployment, connected in one process."""

    def __init__(self, sms: SmsInbox, router: SmsRoutes, devices: list[Device] | None = None):
        self.sms = sms
        self.devices = devices if devices is not None else configured_devices(sms.settings)
        split = sms.settings.split_operators
        self.senders = [
            GatewaySender(device, router, split_operators=split) for device in self.devices
        ]
        self._by_route = {sender.route: sender for sender in self.senders}

    def router(self) -> APIRouter:
        """`POST /sms/android`."""
        return webhook_router(self)

    def signing_keys(self) -> list[str]:
        """Every phone's signing key (most deployments have one)."""
        return sorted({d.signing_key for d in self.devices if d.signing_key})

    async def handle(self, event: Event) -> bool:
        """One signed event from a phone; False when it must come again later (a report on a
        message whose send is not recorded yet: the phone can be faster than our database)."""
        route = event.device.route
        if event.kind == "sms:received":
            await self._alive(route)
            await self._received(event)
        elif event.kind in ("sms:sent", "sms:delivered", "sms:failed"):
            return await self._status(event)
        elif event.kind in ALIVE:
            await self._alive(route)
        else:
            log.info("sms gateway: %s events are not used; ignored", event.kind)
        return True

    async def _alive(self, route: str) -> None:
        """A phone that talks to us is online, whatever its last sends said."""
        if await routes.record_online(self.sms.sessions.kw["bind"], CODE, route):
            log.info("sms phone %s is back online", route)
            self.sms.wake()

    async def _received(self, event: Event) -> None:
        phone = normalize_phone(sender_of(event))
        if phone is None:  # a short code or an alphanumeric sender (an operator's notice)
            log.warning("sms gateway: a message from an unusable number was ignored")
            return
        text = str(event.payload.get("message") or "")
        key, route = event.dedup_key(), event.device.route
        await self.sms.take(phone, text, None, key, route, sent_at=received_at(event))
        self.sms.wake()

    async def _status(self, event: Event) -> bool:
        """What a phone reports of a message it sent: the outbox row follows. False when no
        row has that message yet."""
        message_id = own_message(str(event.payload.get("messageId") or ""))
        if message_id is None:  # a message someone else sent through the phone
            return True
        table = OutboxMessage.__table__
        metrics = self.sms.conversation.metrics
        values: dict[str, object] = {"provider_status": event.kind.split(":")[1]}
        where = [table.c.channel == CODE, table.c.provider_id == message_id]
        if event.kind == "sms:delivered":
            values["status"] = OutboxStatus.delivered.value
            where.append(table.c.status != OutboxStatus.failed.value)
            metrics.delivered.labels(channel=CODE).inc()
        elif event.kind == "sms:failed":
            reason = f"android: {event.payload.get('reason') or 'failed'}"[:300]
            values |= {"status": OutboxStatus.failed.value, "error": reason}
            metrics.failed.labels(channel=CODE, reason="android failed").inc()
        else:  # sent: the row is already `sent`; a late report never undoes `delivered`
            where.append(table.c.status != OutboxStatus.delivered.value)
        async with self.sms.sessions() as session, session.begin():
            result = await session.execute(table.update().where(*where).values(**values))
            if result.rowcount:
                return True
            known = await session.scalar(
                select(table.c.id).where(table.c.channel == CODE, table.c.provider_id == message_id)
            )
        # ours, but the send is not recorded yet (the phone was quicker): it must come again
        return known is not None

    async def register(self, public_url: str) -> None:
        """Make sure each phone (each distinct API) posts our events to PUBLIC_URL/sms/android."""
        target = public_url.rstrip("/") + PATH
        seen: set[tuple[str, str | None]] = set()
        for sender in self.senders:
            endpoint = (sender.device.url, sender.device.username)
            if endpoint in seen:
                continue
            seen.add(endpoint)
            try:
                have = {(w.url, w.event.value) for w in await sender.client.get_webhooks()}
                for event in EVENTS:
                    if (target, event) not in have:
                        webhook = Webhook(id=None, url=target, event=WebhookEvent(event))
                        await sender.client.create_webhook(webhook)
            except (APIError, OSError, TimeoutError) as error:
                log.warning(
                    "sms phone %s: could not register the webhook (%s); register it by hand",
                    sender.device.name,
                    type(error).__name__,
                )

    async def close(self) -> None:
        """Close every phone's HTTP session."""
        for sender in self.senders:
            await sender.close()
