"""A running Kenesh with the WhatsApp channel: Meta's signed webhook posts through the whole
ASGI stack, replies sent by the outbox worker to the fake Graph API on 127.0.0.1."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.whatsapp.inbound import REOPEN
from bot.http import create_http_app
from bot.i18n import translator
from bot.runtime import Runtime
from models import OutboxMessage, OutboxStatus, ProcessedInbound
from models.base import utcnow
from tests.conftest import Database, clear, make_app
from tests.fakes.whatsapp_api import FakeGraph, Sent

PUBLIC = "https://kenesh.example"
SECRET = "test-app-secret"
VERIFY = "test-verify-token"
BUSINESS = "996700000099"
_ids = itertools.count(1)


def sign(body: bytes, secret: str = SECRET) -> str:
    """`X-Hub-Signature-256` as Meta computes it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def envelope(value: dict[str, Any]) -> dict[str, Any]:
    """One `messages` change of a webhook POST."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": "102290129340398",
                "changes": [
                    {
                        "field": "messages",
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {
                                "display_phone_number": BUSINESS,
                                "phone_number_id": "106540352242922",
                            },
                            **value,
                        },
                    }
                ],
            }
        ],
    }


def message_event(wa_id: str, kind: str, content: dict[str, Any], wamid: str | None = None):
    """A webhook POST carrying one message of `kind` from `wa_id`."""
    message = {
        "from": wa_id,
        "id": wamid or f"wamid.in{next(_ids):08d}",
        "timestamp": str(int(time.time())),
        "type": kind,
        kind: content,
    }
    contacts = [{"profile": {"name": "Aibek"}, "wa_id": wa_id}]
    return envelope({"contacts": contacts, "messages": [message]})


def status_event(wamid: str, status: str, wa_id: str, code: int | None = None, title: str = ""):
    """A webhook POST reporting a status of a message we sent."""
    event: dict[str, Any] = {
        "id": wamid,
        "status": status,
        "timestamp": str(int(time.time())),
        "recipient_id": wa_id,
    }
    if code is not None:
        event["errors"] = [{"code": code, "title": title, "message": title}]
    return envelope({"statuses": [event]})


class WhatsAppBot:
    """The Kenesh process under test."""

    def __init__(self, runtime: Runtime, graph: FakeGraph) -> None:
        self.runtime = runtime
        self.app = runtime.app
        self.graph = graph
        self.http = create_http_app(self.app, runtime.channels.values())

    async def post(self, payload: dict[str, Any], signature: str | None = "sign") -> httpx.Response:
        """POST a webhook event as Meta does (signed with the app secret by default)."""
        body = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            headers["X-Hub-Signature-256"] = sign(body)
        elif signature is not None:
            headers["X-Hub-Signature-256"] = signature
        transport = httpx.ASGITransport(app=self.http)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
            return await client.post("/whatsapp/webhook", content=body, headers=headers)

    async def get(self, params: dict[str, str]) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.http)
        async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
            return await client.get("/whatsapp/webhook", params=params)

    async def settle(self, wamid: str | None = None, timeout: float = 15.0) -> None:
        """Wait until the message was handled (if given) and every due message went out."""
        deadline = time.monotonic() + timeout
        while True:
            async with self.app.sessions() as session:
                handled = wamid is None or await session.scalar(
                    select(func.count())
                    .select_from(ProcessedInbound)
                    .where(ProcessedInbound.key == wamid)
                )
                due = (OutboxMessage.status == OutboxStatus.sending) | (
                    (OutboxMessage.status == OutboxStatus.queued)
                    & (OutboxMessage.not_before.is_(None) | (OutboxMessage.not_before <= utcnow()))
                )
                pending = await session.scalar(
                    select(func.count()).select_from(OutboxMessage).where(due)
                )
            if handled and not pending:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{wamid} not settled (handled={handled}, pending={pending})")
            self.runtime.worker.wake()
            await asyncio.sleep(0.02)


class WhatsAppUser:
    """A person writing to the business number on WhatsApp."""

    def __init__(self, bot: WhatsAppBot, wa_id: str) -> None:
        self.bot = bot
        self.wa_id = wa_id
        self.seen = 0
        self.received: list[Sent] = []

    @property
    def phone(self) -> str:
        return "+" + self.wa_id

    @property
    def screen(self) -> str:
        """What the bot sent since the last action, as text (list rows and buttons included)."""
        lines = []
        for message in self.received:
            lines.append(message.text)
            for title, _ in self.options(message):
                lines.append(f"[{title}]")
        return "\n\n".join(lines)

    @staticmethod
    def options(message: Sent) -> list[tuple[str, str]]:
        """(title, id) of a message's buttons or list rows."""
        interactive = message.body.get("interactive") or {}
        action = interactive.get("action") or {}
        found = [(b["reply"]["title"], b["reply"]["id"]) for b in action.get("buttons", [])]
        for section in action.get("sections", []):
            found += [(row["title"], row["id"]) for row in section["rows"]]
        return found

    async def _act(self, kind: str, content: Any) -> list[Sent]:
        payload = message_event(self.wa_id, kind, content)
        wamid = payload["entry"][0]["changes"][0]["value"]["messages"][0]["id"]
        self.bot.graph.opened(self.wa_id)
        response = await self.bot.post(payload)
        assert response.status_code == 200, response.text
        await self.bot.settle(wamid)
        sent = self.bot.graph.sent_to(self.wa_id)
        self.received = sent[self.seen :]
        self.seen = len(sent)
        return self.received

    def catch_up(self) -> list[Sent]:
        """Messages that arrived without an action of ours (notices, alerts)."""
        sent = self.bot.graph.sent_to(self.wa_id)
        self.received = sent[self.seen :]
        self.seen = len(sent)
        return self.received

    async def say(self, text: str) -> list[Sent]:
        return await self._act("text", {"body": text})

    def option(self, label: str) -> tuple[str, dict[str, Any]]:
        """The reply of pressing the button or picking the row titled `label` (or starting
        with it, for titles cut to fit) in the last interactive message."""
        for message in reversed(self.bot.graph.sent_to(self.wa_id)):
            for title, identifier in self.options(message):
                if title == label or (title.endswith("…") and label.startswith(title[:-1])):
                    kind = message.body["interactive"]["type"]
                    if kind == "button":
                        return "button_reply", {"id": identifier, "title": title}
                    return "list_reply", {"id": identifier, "title": title}
            if self.options(message):
                break
        raise AssertionError(f"no option {label!r}:\n{self.screen}")

    async def press(self, label: str) -> list[Sent]:
        kind, picked = self.option(label)
        return await self._act("interactive", {"type": kind, kind: picked})

    async def choose(self, label: str, language: str = "en", pages: int = 6) -> list[Sent]:
        """Press `label` (a button or row, or type its number in a numbered list), turning
        pages with "More" until it shows."""
        more = translator(language).t("More")
        for _ in range(pages):
            try:
                return await self.press(label)
            except AssertionError:
                pass
            for line in self.screen.splitlines():
                number, _, shown = line.partition(" ")
                if number.isdigit() and shown == label:
                    return await self.say(number)
            await self.press(more)
        raise AssertionError(f"{label!r} never showed:\n{self.screen}")

    async def press_continue(self, text: str = "Continue") -> list[Sent]:
        """Press a template's quick-reply button."""
        return await self._act("button", {"text": text, "payload": REOPEN})

    async def send_photo(self, data: bytes = b"\xff\xd8jpeg", caption: str = "") -> list[Sent]:
        media_id = self.bot.graph.received(data)
        image = {"id": media_id, "mime_type": "image/jpeg", "sha256": "0" * 64}
        if caption:
            image["caption"] = caption
        return await self._act("image", image)

    async def send_location(self, latitude: float, longitude: float) -> list[Sent]:
        return await self._act("location", {"latitude": latitude, "longitude": longitude})

    async def share_contact(self, phone: str, wa_id: str | None = None) -> list[Sent]:
        card: dict[str, Any] = {"name": {"formatted_name": "Aibek"}, "phones": [{"phone": phone}]}
        if wa_id:
            card["phones"][0]["wa_id"] = wa_id
        return await self._act("contacts", [card])  # type: ignore[arg-type]

    async def onboard(self, language: str = "English", place: str = "Barpy") -> None:
        """A resident at the main menu."""
        await self.say("Salam")
        await self.press(language)
        await self.say(place)
        await self.press(self.yes(language))  # the place is right
        await self.press(self.yes(language))

    @staticmethod
    def yes(language: str) -> str:
        code = {"English": "en", "Кыргызча": "ky", "Русский": "ru", "O‘zbekcha": "uz"}[language]
        return translator(code).t("Yes")


def whatsapp_settings(graph: FakeGraph) -> dict[str, Any]:
    return {
        "public_url": PUBLIC,
        "whatsapp_token": graph.token,
        "whatsapp_phone_number_id": graph.phone_number_id,
        "whatsapp_app_secret": SECRET,
        "whatsapp_verify_token": VERIFY,
        "whatsapp_api_url": graph.base_url,
        "whatsapp_rate": 1000,
    }


async def start_whatsapp_bot(database: Database, graph: FakeGraph, **settings: Any) -> WhatsAppBot:
    app = make_app(database, **(whatsapp_settings(graph) | settings))
    runtime = Runtime(app)
    runtime.worker.idle_seconds = 0.05
    await runtime.start()
    return WhatsAppBot(runtime, graph)


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    server = FakeGraph()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def wa_bot(database: Database, graph: FakeGraph) -> AsyncIterator[WhatsAppBot]:
    await clear(database)
    bot = await start_whatsapp_bot(database, graph)
    yield bot
    await bot.runtime.stop()


@pytest.fixture
def wa_user(wa_bot: WhatsAppBot):
    return lambda wa_id: WhatsAppUser(wa_bot, wa_id)
