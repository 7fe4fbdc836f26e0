"""GET /ocds/releases.json through the whole ASGI stack (no socket)."""

from __future__ import annotations

import httpx

from bot.app import App
from bot.http import create_http_app
from handlers.tenders.ocds.validate import validate_package
from tests.conftest import make_app
from tests.handlers.tenders.ocds.conftest import History


async def get(app: App, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url="http://kenesh") as client:
        return await client.get(path)


async def test_the_release_package_is_served_and_valid(app, history: History) -> None:
    response = await get(app, "/ocds/releases.json")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    package = response.json()
    assert package["uri"] == "http://kenesh/ocds/releases.json"
    assert len(package["releases"]) == 9
    assert validate_package(package) == []
    assert "Водопровод для села Барпы" in response.text  # UTF-8, not \u escapes


async def test_the_package_uri_is_under_the_public_url(database, history: History) -> None:
    public = make_app(database, public_url="https://kenesh.example.kg/")
    package = (await get(public, "/ocds/releases.json")).json()
    assert package["uri"] == "https://kenesh.example.kg/ocds/releases.json"
