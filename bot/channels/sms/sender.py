"""Sending SMS through Twilio's REST API for the outbox worker."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncEngine
from twilio.base.exceptions import TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from bot.channels.sms.kind import CODE
from bot.channels.sms.render import bodies_for, render_text
from bot.channels.sms.routing import SmsRoutes
from bot.conversation.messages import Reply
from bot.delivery.sender import UNPACED, Delivery, Gate, Outcome
from bot.settings import Settings

log = logging.getLogger("kenesh.sms")

STATUS_PATH = "/sms/twilio/status"
UNSUBSCRIBED = 21610  # "Attempt to send to unsubscribed recipient"
BACKOFF = (0.5, 1.0, 2.0)  # seconds between quick retries of a transient error
PERMANENT = {21211, 21612, 21614, 21408, 21606, 30003, 30005, 30006}  # bad or unreachable numbers


def status_callback(settings: Settings, query: str = "") -> str | None:
    """Where Twilio reports delivery: PUBLIC_URL/sms/twilio/status (nothing without a public URL)."""
    if not settings.public_url:
        return None
    return settings.public_url.rstrip("/") + STATUS_PATH + (f"?{query}" if query else "")


class TwilioSender:
    """Sends one reply as one SMS (or MMS when it has a photo URL); its route is `twilio`."""

    channel = CODE
    route = "twilio"

    def __init__(
        self,
        settings: Settings,
        backoff: tuple[float, ...] = BACKOFF,
        router: SmsRoutes | None = None,
    ) -> None:
        if not (
            settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from
        ):
            raise ValueError("SMS needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_FROM")
        self.settings = settings
        self.rate = settings.sms_rate  # per sending number (SMS_RATE)
        self.per_address_interval = 0.0
        self.backoff = backoff  # quick retries of a 429, 5xx or network error
        self.timeout = settings.send_timeout_seconds  # of each REST call
        self._client: Client | None = None
        # chooses the routes of new SMS before each claim (alone, Twilio takes them all)
        self.router = router

    async def prepare(self, engine: AsyncEngine) -> bool:
        """Route new SMS before a claim; Twilio itself is always there to take them."""
        if self.router is None:
            self.router = SmsRoutes(self.settings, [], twilio=True)
        await self.router.assign(engine)
        return True

    @property
    def attempts(self) -> int:
        """REST calls of one send on 429, 5xx and network errors: the first and its retries."""
        return len(self.backoff) + 1

    @property
    def longest_send(self) -> float:
        """Each attempt hanging until the timeout, and the pauses between them."""
        return self.timeout * self.attempts + sum(self.backoff)

    @property
    def client(self) -> Client:
        """The twilio client, made on first use (its HTTP session belongs to the running loop)."""
        if self._client is None:
            settings = self.settings
            self._client = Client(
                settings.twilio_account_sid,
                settings.twilio_auth_token,
                http_client=AsyncTwilioHttpClient(timeout=self.timeout),
            )
            self._client.api.base_url = settings.twilio_api_url
        return self._client

    def sender_fields(self) -> dict[str, str]:
        """`from_` for a phone number, `messaging_service_sid` for a Messaging Service (MG…)."""
        sender = self.settings.twilio_from or ""
        return {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}

    async def send(self, address: str, reply: Reply, gate: Gate = UNPACED) -> Delivery:
        """Send `reply` to the phone number `address`; every attempt waits for `gate`."""
        extra: dict[str, object] = {}
        callback = status_callback(self.settings)
        if callback:
            extra["status_callback"] = callback
        if reply.photo is not None and reply.photo.ref.startswith("http"):
            extra["media_url"] = [reply.photo.ref]
        delivery = Delivery(Outcome.sent)
        for body in bodies_for(address, render_text(reply), self.settings.split_operators):
            delivery = await self._send_one(address, body, extra, gate)
            if delivery.outcome != Outcome.sent:
                break
            extra.pop("media_url", None)  # the photo goes with the first part only
        return delivery

    async def _send_one(
        self, address: str, body: str, extra: dict[str, object], gate: Gate
    ) -> Delivery:
        reason = ""
        for pause in (*self.backoff, None):
            await gate.next()
            try:
                message = await self.client.messages.create_async(
                    to=address, body=body, **self.sender_fields(), **extra
                )
                break
            except TwilioRestException as error:
                reason = f"twilio {error.code or error.status}: {error.msg}"[:300]
                if error.code == UNSUBSCRIBED:
                    return Delivery(Outcome.opted_out, error=reason)
                if error.status == 429:  # over the sender's rate: the whole channel holds back
                    await gate.throttled(pause or 1.0)  # Twilio gives no retry_after
                    if pause is None:
                        return Delivery(Outcome.retry, error=reason)
                    continue  # the retry waits for its slot after the hold
                if error.status < 500:
                    return Delivery(Outcome.failed, error=reason)
            except OSError as error:  # network
                reason = f"network: {type(error).__name__}"
            if pause is None:  # transient, and out of quick retries: the outbox tries later
                return Delivery(Outcome.retry, error=reason)
            await asyncio.sleep(pause)
        return Delivery(Outcome.sent, provider_id=message.sid)

    async def close(self) -> None:
        """Close the HTTP session."""
        if self._client is not None:
            await self._client.http_client.close()
