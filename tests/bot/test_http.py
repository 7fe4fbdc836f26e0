"""The HTTP app through the whole ASGI stack (no socket)."""

from __future__ import annotations

import httpx

from bot.app import App
from bot.http import create_http_app
from bot.settings import Settings
from models.db import create_engine, create_sessionmaker


async def get(app: App, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://kenesh") as client:
        return await client.get(path)


async def test_healthz_answers_when_the_database_does(app) -> None:
    response = await get(app, "/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_healthz_fails_when_the_database_is_unreachable(app, tmp_path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path}/missing/dir/k.db")
    broken = App(Settings(), engine, create_sessionmaker(engine), app.conversation)
    response = await get(broken, "/healthz")
    assert response.status_code == 503
    await engine.dispose()
