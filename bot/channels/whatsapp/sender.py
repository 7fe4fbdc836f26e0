"""Sending to WhatsApp for the outbox worker: inside the 24-hour window as rendered messages,
outside it as the kind's approved template, and otherwise elsewhere (another address, or
skipped with the reason).

Meta's errors: 131047 (the window is closed after all) sends the template if the kind has one,
else elsewhere; 131026 (undeliverable) and 131050 (the person stopped the business's messages)
mark the address unreachable, as Telegram's 403 does; 429 and 130429 (throughput), 131056 (too
many to one person) and 80007 (account rate limit) slow the channel and try again through the
pacer; 5xx, network errors and 131000/131016 (Meta's side) retry with a short backoff.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import aiohttp
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.channels.whatsapp.graph import Graph, GraphError
from bot.channels.whatsapp.kind import CODE
from bot.channels.whatsapp.reach import wait_for_room
from bot.channels.whatsapp.render import Outgoing, render
from bot.channels.whatsapp.templates import BY_KIND, components, parse_names, template_kind
from bot.conversation.messages import Reply
from bot.delivery.claim import Claimed
from bot.delivery.sender import Delivery, Outcome
from bot.i18n import translator
from bot.settings import Settings
from models.base import utcnow

log = logging.getLogger("kenesh.whatsapp")

WINDOW = timedelta(hours=24)  # free-form messages only this long after the person's last one
REENGAGE = 131047  # more than 24 hours since the person last wrote
UNDELIVERABLE = 131026
STOPPED = {131050}  # the person stopped messages from the business
BLOCKED = {UNDELIVERABLE, *STOPPED}
RATE_LIMITED = {130429, 131056, 80007, 4}
TRANSIENT = {1, 2, 131000, 131016}
RATE_PAUSE = 1.0  # seconds the channel waits after a rate-limit answer (Meta gives no time)
BACKOFF = (0.5, 1.0, 2.0)
REPLIES = ("reply", "reply_file")  # answers within a conversation: never templates


def window_open(seen_at: object, now: object = None) -> bool:
    """Whether the person wrote within the last 24 hours (`seen_at` is kept to the minute, and
    never later than their last message, so this errs on the closed side)."""
    return seen_at is not None and (now or utcnow()) - seen_at < WINDOW  # type: ignore[operator]


class WhatsAppSender:
    """Sends replies through the Cloud API."""

    channel = CODE

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker,
        backoff: tuple[float, ...] = BACKOFF,
    ) -> None:
        self.graph = Graph(settings)
        self.sessions = sessions  # to count the people templates reached today
        self.daily_limit = settings.whatsapp_daily_limit
        self.rate = settings.whatsapp_rate  # per business phone number (WHATSAPP_RATE)
        self.per_address_interval = 0.0
        self.backoff = backoff
        self.templates = parse_names(settings.whatsapp_templates)
        self.language = settings.default_language

    @property
    def attempts(self) -> int:
        """Calls of one piece on transient errors: the first and its quick retries."""
        return len(self.backoff) + 1

    @property
    def longest_send(self) -> float:
        """Each attempt hanging until the timeout, and the pauses between them."""
        return self.graph.timeout * self.attempts + sum(self.backoff)

    async def send(self, address: str, reply: Reply) -> Delivery:
        """Send `reply` as a message within the window (the worker calls `send_claimed`)."""
        return await self._rendered(address, reply, self.language)

    async def send_claimed(self, message: Claimed, reply: Reply) -> Delivery:
        """Send one outbox message: rendered while the window is open or when it is a reply,
        as a template when it is closed, elsewhere when there is no template for it."""
        language = message.language or self.language
        closed = bool((message.payload or {}).get("window_closed"))
        if message.kind in REPLIES or (not closed and window_open(message.seen_at)):
            delivery = await self._rendered(message.address, reply, language)
            if delivery.error is None or not delivery.error.startswith(f"whatsapp {REENGAGE}"):
                return delivery
        return await self._template(message, reply, language)

    async def _template(self, message: Claimed, reply: Reply, language: str) -> Delivery:
        kind = template_kind(message.kind)
        name = self.templates.get(kind) if kind else None
        if kind is None or name is None:
            return Delivery(Outcome.elsewhere, error=f"no approved template for {message.kind}")
        later = await wait_for_room(self.sessions, message.address_id, self.daily_limit)
        if later is not None:
            reason = f"whatsapp messaging limit: {self.daily_limit} people a day"
            return Delivery(Outcome.later, error=reason, not_before=later)
        body = {
            "type": "template",
            "template": components(BY_KIND[kind], name, language, reply.text),
        }
        delivery = await self._call(message.address, Outgoing(body))
        if delivery.outcome == Outcome.sent:
            return Delivery(Outcome.sent, provider_id=delivery.provider_id, template=name)
        return delivery

    async def _rendered(self, address: str, reply: Reply, language: str) -> Delivery:
        provider_id = None
        for piece in render(reply, translator(language)):
            delivery = await self._call(address, piece)
            if delivery.outcome != Outcome.sent:
                return delivery
            provider_id = delivery.provider_id
        return Delivery(Outcome.sent, provider_id=provider_id)

    async def _call(self, address: str, piece: Outgoing) -> Delivery:
        to = address.lstrip("+")
        for pause in (*self.backoff, None):
            try:
                body = await self._with_media(piece)
                return Delivery(Outcome.sent, provider_id=await self.graph.send(to, body))
            except GraphError as error:
                delivery = _outcome(error)
                if delivery is not None:
                    return delivery
                reason = error.reason
            except (aiohttp.ClientError, TimeoutError) as error:  # network
                reason = f"network: {type(error).__name__}"
            if pause is None:
                return Delivery(Outcome.retry, error=reason)
            await asyncio.sleep(pause)
        raise AssertionError("unreachable")

    async def _with_media(self, piece: Outgoing) -> dict:
        """The message body, with the media id of a file uploaded (or fetched and uploaded
        again) first."""
        body = piece.body
        if piece.upload is None and piece.fetch is None:
            return body
        document = piece.upload or await self.graph.download(piece.fetch or "")
        media_id = await self.graph.upload(document.name, document.mime, document.data)
        kind = body["type"]
        return {**body, kind: {**body[kind], "id": media_id}}

    async def close(self) -> None:
        """Close the HTTP session."""
        await self.graph.close()


def _outcome(error: GraphError) -> Delivery | None:
    """What a Graph error means for the message; None: transient, retry shortly."""
    code, reason = error.code, error.reason
    if error.status == 429 or code in RATE_LIMITED:
        return Delivery(Outcome.retry, error=reason, retry_after=RATE_PAUSE)
    if code in BLOCKED:
        return Delivery(Outcome.unreachable, error=reason)
    if code == REENGAGE:
        return Delivery(Outcome.failed, error=reason)  # the caller sends the template
    if error.status >= 500 or code in TRANSIENT:
        return None
    return Delivery(Outcome.failed, error=reason)
