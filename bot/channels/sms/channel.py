"""The SMS channel: Twilio's signed webhook in, TwiML replies out, delivery statuses stored."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from urllib.parse import parse_qsl

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import update
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.sms.kind import CAPABILITIES, CODE
from bot.channels.sms.optout import sms_command
from bot.channels.sms.render import combine
from bot.channels.sms.segments import to_gsm
from bot.channels.sms.sender import STATUS_PATH, UNSUBSCRIBED, TwilioSender, status_callback
from bot.channels.sms.stop import apply_sms_command
from bot.conversation.engine import Conversation
from bot.conversation.messages import Inbound, Photo, Reply
from bot.phones import normalize_phone
from bot.settings import Settings
from models import Address, OutboxMessage, OutboxStatus
from models.base import utcnow

log = logging.getLogger("kenesh.sms")

INBOUND_PATH = "/sms/twilio"
# Replies go out in the webhook response; if that response never reaches Twilio, the delivery
# worker sends them through the REST API after this long.
TWIML_HOLD = timedelta(seconds=60)
FINAL = {"delivered": OutboxStatus.delivered, "sent": OutboxStatus.sent}
FAILED = {"undelivered", "failed"}


class SmsChannel:
    """Inbound SMS and Twilio's status callbacks."""

    def __init__(
        self,
        settings: Settings,
        conversation: Conversation,
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        if not settings.public_url:
            raise ValueError("SMS needs PUBLIC_URL: Twilio signs requests for the public address")
        self.settings = settings
        self.conversation = conversation
        self.sessions = conversation.sessions
        self.wake = wake
        self.sender = TwilioSender(settings)
        self.validator = RequestValidator(settings.twilio_auth_token or "")

    def router(self) -> APIRouter:
        """Twilio's two webhooks: incoming messages and delivery reports."""
        return webhook_router(self)

    async def start(self) -> None:
        """Nothing to start: Twilio calls the webhooks."""

    async def stop(self) -> None:
        """Nothing to stop: Twilio stops calling when the server goes."""

    async def close(self) -> None:
        """Close the REST client's connections."""
        await self.sender.close()

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
        text = params.get("Body", "")
        photo = _media(params)
        command = sms_command(text) if photo is None else None
        async with self.sessions() as session, session.begin():
            handled = await apply_sms_command(
                session,
                self.settings,
                CODE,
                phone,
                command,
                sid,
                self.conversation.phone_channels,
            )
        if handled is not None:
            replies = [Reply(handled.reply)] if handled.reply else []
            if handled.resume:
                replies += await self.conversation.reopen(CODE, phone, CAPABILITIES)
            return str(self._twiml(replies, []))
        queued: list[int] = []
        inbound = Inbound(CODE, phone, text=text, photo=photo, dedup_key=sid)
        replies = await self.conversation.handle(
            inbound, CAPABILITIES, queue_replies=True, queued=queued, hold=TWIML_HOLD
        )
        response = self._twiml(replies, queued)
        if queued:
            await self._answered(queued)
        return str(response)

    def _twiml(self, replies: list[Reply], ids: list[int]) -> MessagingResponse:
        response = MessagingResponse()
        for body, members in combine(replies):
            outbox = [ids[i] for i in members if i < len(ids)]
            callback = status_callback(
                self.settings, "outbox=" + ",".join(map(str, outbox)) if outbox else ""
            )
            attributes = {"action": callback} if callback else {}
            response.message(to_gsm(body), **attributes)
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
        sid, reported = params.get("MessageSid", ""), params.get("MessageStatus", "")
        error = params.get("ErrorCode") or None
        table = OutboxMessage.__table__
        where = table.c.id.in_(outbox_ids) if outbox_ids else table.c.provider_id == sid
        values: dict[str, object] = {"provider_status": reported[:20], "provider_id": sid or None}
        if reported in FINAL:
            values["status"] = FINAL[reported].value
            if reported == "delivered":
                self.conversation.metrics.delivered.labels(channel=CODE).inc()
        elif reported in FAILED:
            reason = f"twilio {error or reported}"
            values |= {"status": OutboxStatus.failed.value, "error": reason}
            self.conversation.metrics.failed.labels(channel=CODE, reason=reason).inc()
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                table.update().where(where).values(**values).returning(table.c.address_id)
            )
            addresses = {row for row in result.scalars().all() if row is not None}
            if error and error.isdigit() and int(error) == UNSUBSCRIBED and addresses:
                await session.execute(
                    update(Address).where(Address.id.in_(addresses)).values(opted_out=True)
                )


def _media(params: dict[str, str]) -> Photo | None:
    """The first picture of an MMS."""
    try:
        count = int(params.get("NumMedia", "0") or 0)
    except ValueError:
        count = 0
    url = params.get("MediaUrl0")
    return Photo(url) if count > 0 and url else None


def webhook_router(sms: SmsChannel) -> APIRouter:
    """The inbound and status routes of the SMS channel."""
    router = APIRouter()

    async def signed_form(request: Request) -> dict[str, str] | None:
        params = dict(parse_qsl((await request.body()).decode(), keep_blank_values=True))
        path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if not sms.signed(path, params, request.headers.get("X-Twilio-Signature", "")):
            log.warning("sms webhook: refused a request without a valid Twilio signature")
            return None
        return params

    @router.post(INBOUND_PATH)
    async def sms_inbound(request: Request) -> Response:
        """An SMS from Twilio; answered with TwiML."""
        params = await signed_form(request)
        if params is None:
            return Response("forbidden", status_code=403)
        return Response(await sms.receive(params), media_type="application/xml")

    @router.post(STATUS_PATH)
    async def sms_status(request: Request) -> Response:
        """Twilio's delivery report for a message we sent."""
        params = await signed_form(request)
        if params is None:
            return Response("forbidden", status_code=403)
        ids = request.query_params.get("outbox", "")
        await sms.status(params, [int(i) for i in ids.split(",") if i.isdigit()])
        return Response(status_code=204)

    return router
