"""A running Kenesh with the Telegram channel, against the fake Bot API on 127.0.0.1, and a
Telegram user who presses buttons and reads what the bot sent."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.channels.telegram.channel import WEBHOOK_PATH
from bot.http import create_http_app
from bot.runtime import Runtime
from models import OutboxMessage, OutboxStatus, ProcessedInbound
from models.base import utcnow
from tests.conftest import Database, clear, make_app
from tests.fakes.telegram_api import Call, FakeTelegram

TOKEN = "123456:TEST-token"
SECRET = "kenesh-webhook-secret"


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram(max_poll_wait=0.2)
    await server.start()
    yield server
    await server.stop()


class Bot:
    """The Kenesh process under test, in polling or webhook mode."""

    def __init__(self, runtime: Runtime, fake: FakeTelegram, webhook: bool) -> None:
        self.runtime = runtime
        self.app = runtime.app
        self.fake = fake
        self.webhook = webhook
        self.http = create_http_app(self.app, runtime.channels.values())

    async def post(self, update: dict[str, Any], secret: str | None = SECRET) -> httpx.Response:
        """POST an update to our webhook as Telegram would."""
        headers = {"X-Telegram-Bot-Api-Secret-Token": secret} if secret is not None else {}
        transport = httpx.ASGITransport(app=self.http)
        async with httpx.AsyncClient(
            transport=transport, base_url="https://kenesh.example"
        ) as client:
            return await client.post(WEBHOOK_PATH, json=update, headers=headers)

    async def deliver(self, update: dict[str, Any]) -> None:
        """Hand an update to the bot the way this mode receives it."""
        if self.webhook:
            response = await self.post(update)
            assert response.status_code == 200, response.text
        else:
            self.fake.push(update)

    async def settle(self, update_id: int | None, timeout: float = 15.0) -> None:
        """Wait until the update was handled (if given) and every due message went out."""
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            async with self.app.sessions() as session:
                handled = update_id is None or await session.scalar(
                    select(func.count())
                    .select_from(ProcessedInbound)
                    .where(ProcessedInbound.key == str(update_id))
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
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(
                    f"update {update_id} not settled (handled={handled}, pending={pending})"
                )
            self.runtime.worker.wake()
            await asyncio.sleep(0.02)


async def start_bot(
    database: Database,
    fake: FakeTelegram,
    webhook: bool,
    per_address_interval: float = 0.0,
    **settings: Any,
) -> Bot:
    app = make_app(
        database,
        telegram_bot_token=TOKEN,
        telegram_api_url=fake.base_url,
        telegram_polling_timeout=1,
        telegram_rate=1000,
        public_url="https://kenesh.example" if webhook else None,
        telegram_webhook_secret=SECRET if webhook else None,
        **settings,
    )
    runtime = Runtime(app)
    runtime.worker.idle_seconds = 0.05
    runtime.channels["telegram"].sender.backoff = (0.01, 0.02, 0.04)
    # these tests press buttons faster than a person; test_pacing keeps Telegram's 1 s a chat
    runtime.channels["telegram"].sender.per_address_interval = per_address_interval
    await runtime.start()
    return Bot(runtime, fake, webhook)


async def wait_for_text(
    fake: FakeTelegram, chat_id: int, fragment: str, timeout: float = 10.0
) -> Call:
    """The first message to `chat_id` containing `fragment`, waiting for it to arrive."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        for call in fake.sent_to(chat_id):
            if fragment in (call.params.get("text") or call.params.get("caption") or ""):
                return call
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{fragment!r} never reached {chat_id}")
        await asyncio.sleep(0.02)


@pytest.fixture(params=["polling", "webhook"])
async def bot(
    request: pytest.FixtureRequest, database: Database, fake: FakeTelegram
) -> AsyncIterator[Bot]:
    await clear(database)
    running = await start_bot(database, fake, webhook=request.param == "webhook")
    yield running
    await running.runtime.stop()


@pytest.fixture
async def webhook_bot(database: Database, fake: FakeTelegram) -> AsyncIterator[Bot]:
    await clear(database)
    running = await start_bot(database, fake, webhook=True)
    yield running
    await running.runtime.stop()


class TelegramUser:
    """A person in a private chat with the bot."""

    def __init__(self, bot: Bot, chat_id: int) -> None:
        self.bot = bot
        self.fake = bot.fake
        self.chat_id = chat_id
        self.seen = 0
        self.received: list[Call] = []

    @property
    def screen(self) -> str:
        """Everything the bot sent since the last action, as text."""
        return "\n\n".join(
            c.params.get("text") or c.params.get("caption") or "" for c in self.received
        )

    async def _act(self, update: dict[str, Any]) -> list[Call]:
        await self.bot.deliver(update)
        await self.bot.settle(update["update_id"])
        sent = self.fake.sent_to(self.chat_id)
        self.received = sent[self.seen :]
        self.seen = len(sent)
        return self.received

    async def onboard(self) -> None:
        """Start, English, Barpy, consent: a resident at the main menu."""
        await self.say("/start")
        await self.press("English")
        await self.say("Barpy")
        await self.press("Yes")  # the place is right
        await self.press("Yes")

    async def say(self, text: str) -> list[Call]:
        return await self._act(self.fake.message(self.chat_id, text=text))

    async def send_photo(self, *file_ids: str) -> list[Call]:
        return await self._act(self.fake.message(self.chat_id, photo_file_ids=list(file_ids)))

    async def send_location(self, latitude: float, longitude: float) -> list[Call]:
        return await self._act(self.fake.message(self.chat_id, location=(latitude, longitude)))

    async def share_contact(self, phone: str, user_id: int | None = None) -> list[Call]:
        owner = self.chat_id if user_id is None else user_id
        return await self._act(self.fake.message(self.chat_id, contact=(phone, owner)))

    def button(self, label: str) -> dict[str, Any]:
        keyboard = self.fake.last_keyboard(self.chat_id) or []
        for row in keyboard:
            for button in row:
                if button.get("text") == label:
                    return button
        raise AssertionError(f"no button {label!r}; keyboard: {keyboard}")

    async def press(self, label: str) -> list[Call]:
        """Press an inline button (callback) or a reply-keyboard button (sends its text)."""
        button = self.button(label)
        if "callback_data" in button:
            return await self._act(self.fake.callback(self.chat_id, button["callback_data"]))
        return await self.say(button["text"])


@pytest.fixture
def telegram_user(bot: Bot) -> Callable[[int], TelegramUser]:
    return lambda chat_id: TelegramUser(bot, chat_id)


Press = Callable[[str], Awaitable[list[Call]]]
