"""The SMS channel: Twilio's signed webhook in, TwiML replies out, delivery statuses stored; and
the Android gateway's phones beside it (`android/`). Either, or both, may be configured: an SMS
is an SMS, on the one `sms` address of its number, whichever route it came by."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi import APIRouter
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.types import ASGIApp
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.sms.android.devices import configured_devices, gateway_configured
from bot.channels.sms.android.gateway import Gateway
from bot.channels.sms.batch import Answer, Sms, SmsGroupCommit
from bot.channels.sms.kind import CAPABILITIES, CODE
from bot.channels.sms.optout import sms_command
from bot.channels.sms.render import bodies_for, combine
from bot.channels.sms.routing import TWILIO, SmsRoutes
from bot.channels.sms.segments import to_gsm
from bot.channels.sms.sender import STATUS_PATH, UNSUBSCRIBED, TwilioSender, status_callback
from bot.channels.sms.stop import apply_sms_command
from bot.channels.sms.webhook import twilio_endpoints
from bot.conversation.engine import Conversation
from bot.conversation.messages import Inbound, Photo, Reply
from bot.conversation.outbox import queue_replies
from bot.conversation.senders import find_address
from bot.delivery.sender import Sender
from bot.phones import normalize_phone
from bot.settings import Settings
from bot.text import clean_text
from models import Address, OutboxMessage, OutboxStatus, Person
from models.base import utcnow
from models.outbox import FAREWELL

log = logging.getLogger("kenesh.sms")

INBOUND_PATH = "/sms/twilio"
# Replies go out in the webhook response; if that response never reaches Twilio, the delivery
# worker sends them through the REST API after this long.
TWIML_HOLD = timedelta(seconds=60)
FINAL = {"delivered": OutboxStatus.delivered, "sent": OutboxStatus.sent}
FAILED = {"undelivered", "failed"}
# A report can outrun the REST answer that gave us its SID (the worker writes the SID on the row
# right after): while one of our SMS is still being sent, an unmatched report waits this long
# and tries again, instead of being dropped.
REPORT_WAITS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)


class SmsChannel:
    """Inbound SMS (Twilio's webhook, the gateway phones' webhook), Twilio's status callbacks,
    and a sender per route."""

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.twilio = bool(settings.twilio_account_sid)
        if self.twilio and not settings.public_url:
            raise ValueError("SMS needs PUBLIC_URL: Twilio signs requests for the public address")
        self.settings = settings
        self.conversation = conversation
        self.sessions = conversation.sessions
        self.wake = wake
        devices = configured_devices(settings) if gateway_configured(settings) else []
        self.routes = SmsRoutes(settings, devices, twilio=self.twilio)
        self.senders: list[Sender] = []
        self.twilio_sender: TwilioSender | None = None
        if self.twilio:
            self.twilio_sender = TwilioSender(settings, router=self.routes)
            self.senders.append(self.twilio_sender)
        self.gateway = Gateway(self, self.routes, devices) if devices else None
        if self.gateway is not None:
            self.senders += self.gateway.senders
        if not self.senders:
            raise ValueError("SMS needs TWILIO_ACCOUNT_SID or SMSGATE_URL / SMSGATE_DEVICES")
        self.sender = self.senders[0]
        self.validator = RequestValidator(settings.twilio_auth_token or "")
        # SMS_GROUP_COMMIT: concurrent SMS share their transactions (off: one by one, as before)
        self.inbox = (
            SmsGroupCommit(settings, conversation, alone=self._alone, resume=self._resume)
            if settings.sms_group_commit
            else None
        )

    def router(self) -> APIRouter:
        """The gateway's webhook (Twilio's are bare endpoints: `endpoints`)."""
        router = APIRouter()
        if self.gateway is not None:
            router.include_router(self.gateway.router())
        return router

    def endpoints(self) -> dict[str, ASGIApp]:
        """Twilio's two webhooks: incoming messages and delivery reports."""
        return twilio_endpoints(self, INBOUND_PATH, STATUS_PATH) if self.twilio else {}

    async def start(self) -> None:
        """Twilio calls its webhooks by itself; the gateway's phones are told where to post
        their events (PUBLIC_URL/sms/android) when there is a public URL."""
        if self.gateway is not None and self.settings.public_url:
            await self.gateway.register(self.settings.public_url)

    async def stop(self) -> None:
        """Nothing to stop: the providers stop calling when the server goes."""

    async def close(self) -> None:
        """Close the REST clients' connections."""
        if self.twilio_sender is not None:
            await self.twilio_sender.close()
        if self.gateway is not None:
            await self.gateway.close()

    def signed(self, path: str, params: dict[str, str], signature: str) -> bool:
        """Whether Twilio signed this request (checked against the public URL, so it holds
        behind a TLS-terminating proxy)."""
        url = (self.settings.public_url or "").rstrip("/") + path
        return bool(signature) and self.validator.validate(url, params, signature)

    async def receive(self, params: dict[str, str]) -> str:
        """Handle one inbound SMS/MMS; the TwiML to answer with."""
        phone = normalize_phone(params.get("From", ""))
        if phone is None:
            log.warning("sms: a message from an unusable number was ignored")
            return str(MessagingResponse())
        sid = params.get("MessageSid") or params.get("SmsSid") or None
        queued: list[int] = []
        replies = await self.take(
            phone, params.get("Body", ""), _media(params), sid, TWILIO, queued=queued
        )
        response = self._twiml(replies, queued, phone)
        if queued and self.inbox is None:  # (group commit wrote them answered with the turn)
            await self._answered(queued)
        return str(response)

    async def take(
        self,
        phone: str,
        text: str,
        photo: Photo | None,
        key: str | None,
        route: str,
        queued: list[int] | None = None,
        sent_at: datetime | None = None,
    ) -> list[Reply]:
        """One inbound SMS, whichever route it came by: STOP/START/HELP first, then the
        conversation. The route becomes the address's, so replies leave the way it came.

        With `queued` (Twilio) the replies are answered in the webhook response: the ids of
        the conversation's outbox rows are put in `queued` (with group commit they are already
        marked answered; one by one they are held back until `_answered`). Without it (the
        gateway, which takes no answer) every reply goes through the outbox. `sent_at`: when
        the person sent it, where the provider says (the gateway's phones do)."""
        if self.inbox is None:
            return await self.take_alone(phone, text, photo, key, route, queued, sent_at)
        sms = Sms(phone, text, photo, key, route, sent_at, twiml=queued is not None)
        answer = await self.inbox.handle(sms)
        if queued is not None:
            queued.extend(answer.ids)
        return answer.replies

    async def _alone(self, sms: Sms) -> Answer:
        """One SMS in transactions of its own (group commit's fallback), TwiML rows answered."""
        queued: list[int] | None = [] if sms.twiml else None
        replies = await self.take_alone(
            sms.phone, sms.text, sms.photo, sms.key, sms.route, queued, sms.sent_at
        )
        if queued:
            await self._answered(queued)
        return Answer(replies, queued or [])

    async def _resume(self, sms: Sms) -> list[Reply]:
        """After START: the question the person is on, asked again (queued for the gateway)."""
        again = await self.conversation.reopen(CODE, sms.phone, CAPABILITIES)
        if not sms.twiml and again:
            await self._queue(sms.phone, again)
        return again

    async def take_alone(
        self,
        phone: str,
        text: str,
        photo: Photo | None,
        key: str | None,
        route: str,
        queued: list[int] | None = None,
        sent_at: datetime | None = None,
    ) -> list[Reply]:
        """`take` in transactions of its own: the opt-out check and the route, the turn (its
        TwiML replies held back for TWIML_HOLD, until `_answered` marks them)."""
        command = sms_command(text) if photo is None else None
        async with self.sessions() as session, session.begin():
            handled = await apply_sms_command(
                session,
                self.settings,
                CODE,
                phone,
                command,
                key,
                self.conversation.phone_channels,
                sent_at,
            )
            address = await remember_route(session, phone, route)
            if handled is not None:
                replies = [Reply(handled.reply)] if handled.reply else []
                if queued is None and replies:
                    person = await session.get(Person, address.person_id)
                    kind = FAREWELL if address.opted_out else "reply"
                    await queue_replies(session, person, address, replies, kind=kind)
        if handled is not None:
            if handled.resume:
                again = await self.conversation.reopen(CODE, phone, CAPABILITIES)
                if queued is None and again:
                    await self._queue(phone, again)
                replies += again
            return replies
        inbound = Inbound(CODE, phone, text=text, photo=photo, dedup_key=key)
        hold = TWIML_HOLD if queued is not None else None
        return await self.conversation.handle(
            inbound, CAPABILITIES, queue_replies=True, queued=queued, hold=hold
        )

    async def _queue(self, phone: str, replies: list[Reply]) -> None:
        async with self.sessions() as session, session.begin():
            address = await find_address(session, CODE, phone)
            if address is not None:
                person = await session.get(Person, address.person_id)
                await queue_replies(session, person, address, replies)

    def _twiml(self, replies: list[Reply], ids: list[int], phone: str) -> MessagingResponse:
        response = MessagingResponse()
        for body, members in combine(replies):
            outbox = [ids[i] for i in members if i < len(ids)]
            callback = status_callback(
                self.settings, "outbox=" + ",".join(map(str, outbox)) if outbox else ""
            )
            attributes = {"action": callback} if callback else {}
            for part in bodies_for(phone, to_gsm(body), self.settings.split_operators):
                response.message(part, **attributes)
        return response

    async def _answered(self, ids: list[int]) -> None:
        """The queued replies went out in the webhook response: the worker must not send them."""
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.queued)
                .values(
                    status=OutboxStatus.sent,
                    provider_status="twiml",
                    sent_at=utcnow(),
                    not_before=None,
                )
            )

    async def status(self, params: dict[str, str], outbox_ids: list[int]) -> None:
        """Store what Twilio reports about a message we sent."""
        # Twilio's own fields, but cleaned and bounded all the same: a NUL byte would fail the
        # update on PostgreSQL, and Twilio would retry it in vain
        sid = clean_text(params.get("MessageSid", ""))[:128]
        reported = clean_text(params.get("MessageStatus", ""))
        error = clean_text(params.get("ErrorCode", ""))[:32] or None
        table = OutboxMessage.__table__
        where = table.c.id.in_(outbox_ids) if outbox_ids else table.c.provider_id == sid
        where &= table.c.channel == CODE  # a report about an SMS never touches another channel
        values: dict[str, object] = {"provider_status": reported[:20], "provider_id": sid or None}
        if reported in FINAL:
            values["status"] = FINAL[reported].value
            if reported == "delivered":
                self.conversation.metrics.delivered.labels(channel=CODE).inc()
        elif reported in FAILED:
            reason = f"twilio {error or reported}"
            values |= {"status": OutboxStatus.failed.value, "error": reason}
            self.conversation.metrics.failed.labels(channel=CODE, reason=reason).inc()
        matched = 0
        for pause in (*REPORT_WAITS, None):
            # looked at before the try: a send that ends meanwhile has its SID written, and matches
            waiting = bool(sid) and not outbox_ids and await self._sending()
            matched = await self._apply_status(where, values, error)
            if matched or not waiting or pause is None:
                break
            await asyncio.sleep(pause)
        if not matched:
            log.warning("twilio status %r for a message we do not know; ignored", reported[:20])

    async def _apply_status(self, where: Any, values: dict[str, object], error: str | None) -> int:
        """Write a report on the rows `where` picks; how many it touched."""
        table = OutboxMessage.__table__
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                table.update().where(where).values(**values).returning(table.c.address_id)
            )
            rows = result.scalars().all()
            addresses = {row for row in rows if row is not None}
            if error == str(UNSUBSCRIBED) and addresses:
                await session.execute(
                    update(Address).where(Address.id.in_(addresses)).values(opted_out=True)
                )
            return len(rows)

    async def _sending(self) -> bool:
        """Whether one of our SMS is being sent (its SID may not be written yet)."""
        table = OutboxMessage.__table__
        async with self.sessions() as session:
            found = await session.scalar(
                select(table.c.id)
                .where(table.c.channel == CODE, table.c.status == OutboxStatus.sending.value)
                .limit(1)
            )
        return found is not None


async def remember_route(session: AsyncSession, phone: str, route: str) -> Address:
    """The SMS address of `phone` (it exists: the opt-out check made it), now on `route`."""
    address = await find_address(session, CODE, phone)
    if address is None:
        raise LookupError("the sms address vanished")
    if address.route != route:
        address.route = route
    return address


def _media(params: dict[str, str]) -> Photo | None:
    """The first picture of an MMS."""
    try:
        count = int(params.get("NumMedia", "0") or 0)
    except ValueError:
        count = 0
    url = params.get("MediaUrl0")
    return Photo(url) if count > 0 and url else None
