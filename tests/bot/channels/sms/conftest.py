"""A running Kenesh with the SMS channel: signed Twilio webhooks through the whole ASGI stack,
replies read from the TwiML, REST sends against the fake Twilio server on 127.0.0.1."""

from __future__ import annotations

import itertools
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from twilio.request_validator import RequestValidator

from bot.http import create_http_app
from bot.runtime import Runtime
from tests.conftest import Database, clear, make_app
from tests.fakes.twilio_api import FakeTwilio

PUBLIC = "https://kenesh.example"
FROM = "+996700000001"
_sids = itertools.count(1)


class SmsBot:
    """The Kenesh process under test."""

    def __init__(self, runtime: Runtime, twilio: FakeTwilio) -> None:
        self.runtime = runtime
        self.app = runtime.app
        self.twilio = twilio
        self.http = create_http_app(self.app, runtime.channels.values())
        self.validator = RequestValidator(twilio.auth_token)

    async def post(
        self, path: str, params: dict[str, str], *, signature: str | None = "sign"
    ) -> httpx.Response:
        """POST a form as Twilio does; `signature="sign"` signs it with the auth token."""
        headers = {}
        if signature == "sign":
            headers["X-Twilio-Signature"] = self.validator.compute_signature(PUBLIC + path, params)
        elif signature is not None:
            headers["X-Twilio-Signature"] = signature
        transport = httpx.ASGITransport(app=self.http)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
            return await client.post(path, data=params, headers=headers)


def inbound(phone: str, body: str = "", sid: str | None = None, **extra: str) -> dict[str, str]:
    """Twilio's webhook parameters for an incoming SMS."""
    return {
        "MessageSid": sid or f"SM{next(_sids):032x}",
        "AccountSid": "AC" + "0123456789abcdef" * 2,
        "From": phone,
        "To": FROM,
        "Body": body,
        "NumMedia": "0",
        **extra,
    }


def messages(response: httpx.Response) -> list[dict[str, Any]]:
    """The <Message> elements of a TwiML response: text and attributes."""
    root = ET.fromstring(response.text)
    return [{"text": m.text or "", **m.attrib} for m in root.iter("Message")]


class SmsUser:
    """A person texting the bot from a basic phone."""

    def __init__(self, bot: SmsBot, phone: str) -> None:
        self.bot = bot
        self.phone = phone
        self.received: list[dict[str, Any]] = []

    @property
    def screen(self) -> str:
        return "\n\n".join(m["text"] for m in self.received)

    async def say(self, body: str, **extra: str) -> list[dict[str, Any]]:
        response = await self.bot.post("/sms/twilio", inbound(self.phone, body, **extra))
        assert response.status_code == 200, response.text
        self.received = messages(response)
        return self.received

    def key_of(self, label: str) -> str:
        for line in self.screen.splitlines():
            number, _, text = line.partition(" ")
            if number.isdigit() and text == label:
                return number
        raise AssertionError(f"{label!r} is not on screen:\n{self.screen}")

    async def choose(self, label: str, pages: int = 6) -> list[dict[str, Any]]:
        """Send the number shown for `label`, sending 0 for more until it shows."""
        for _ in range(pages):
            try:
                return await self.say(self.key_of(label))
            except AssertionError:
                if not any(line.startswith("0 ") for line in self.screen.splitlines()):
                    raise
                await self.say("0")
        raise AssertionError(f"{label!r} never showed:\n{self.screen}")


async def start_sms_bot(database: Database, twilio: FakeTwilio, **settings: Any) -> SmsBot:
    app = make_app(
        database,
        public_url=PUBLIC,
        twilio_account_sid=twilio.account_sid,
        twilio_auth_token=twilio.auth_token,
        twilio_from=FROM,
        twilio_api_url=twilio.base_url,
        sms_rate=1000,
        **settings,
    )
    runtime = Runtime(app)
    runtime.worker.idle_seconds = 0.05
    await runtime.start()
    return SmsBot(runtime, twilio)


@pytest.fixture
async def twilio() -> AsyncIterator[FakeTwilio]:
    server = FakeTwilio()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def sms_bot(database: Database, twilio: FakeTwilio) -> AsyncIterator[SmsBot]:
    await clear(database)
    bot = await start_sms_bot(database, twilio)
    yield bot
    await bot.runtime.stop()


@pytest.fixture
def sms_user(sms_bot: SmsBot):
    return lambda phone: SmsUser(sms_bot, phone)
