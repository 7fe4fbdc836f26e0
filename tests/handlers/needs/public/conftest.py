"""A need's public page through httpx against the ASGI app, with every channel's link on."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest

from bot.app import App
from bot.http import create_http_app
from tests.conftest import Database, clear, make_app
from tests.fakes.telegram_api import FakeTelegram

BASE = "http://kenesh.test"
TOKEN = "123456:TEST-token"
CHANNELS = {
    "telegram_bot_token": TOKEN,
    "telegram_bot_username": "KeneshBot",
    "whatsapp_token": "wa-token",
    "whatsapp_phone_number_id": "1234",
    "whatsapp_number": "+996 700 000 099",
    "twilio_account_sid": "AC123",
    "twilio_auth_token": "secret",
    "twilio_from": "+996700000001",
}


@pytest.fixture
async def fake() -> AsyncIterator[FakeTelegram]:
    server = FakeTelegram()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def app(database: Database, fake: FakeTelegram) -> App:
    await clear(database)
    return make_app(database, telegram_api_url=fake.base_url, **CHANNELS)


@asynccontextmanager
async def visitor(app: App, language: str = "en") -> AsyncIterator[httpx.AsyncClient]:
    """A phone's browser set to `language`."""
    transport = httpx.ASGITransport(app=create_http_app(app))
    headers = {"accept-language": language}
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        yield client
