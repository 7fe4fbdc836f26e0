"""The figures by group as a section of a municipality's public page: the staff reports'
figures, a small group shown as "too few" and never its number, nothing when there is none.

The municipality page itself belongs to another domain; a stand-in page here renders the
"municipality" sections the way it does (`visit.sections("municipality", unit)`)."""

from __future__ import annotations

import re
import types
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

import handlers
from bot.http import create_http_app
from bot.settings import Settings
from bot.web.public.pages import PublicPages
from bot.web.public.site import PublicSite
from bot.web.public.visit import Visit
from bot.wiring import load
from models import Municipality
from tests.conftest import clear
from tests.factories import ELSEWHERE
from tests.handlers.reports.group_world import create_group_world


def stand_in(folder: Path) -> types.SimpleNamespace:
    (folder / "page.html").write_text(
        '{% extends "public.html" %}{% block content %}'
        "{% for part in parts %}{{ part }}{% endfor %}{% endblock %}"
    )

    def routes(site: PublicSite) -> APIRouter:
        router = APIRouter()

        @router.get("/place/{code}")
        async def page(code: str, visit: Visit = site.visit) -> Response:
            unit = await visit.session.scalar(select(Municipality).where(Municipality.code == code))
            parts = await visit.sections("municipality", unit)
            return visit.render("place/page.html", title=code, description=code, parts=parts)

        return router

    return types.SimpleNamespace(PUBLIC=(PublicPages("place", routes, folder),))


@pytest.fixture
async def site(database, tmp_path):
    await clear(database)
    config = Settings(database_url=database.url, report_min_group=5)
    app = load([*handlers.DOMAINS, stand_in(tmp_path)]).assemble(
        config, database.engine, database.sessions
    )
    world = await create_group_world(app)
    transport = httpx.ASGITransport(app=create_http_app(app))
    headers = {"accept-language": "en"}
    async with httpx.AsyncClient(
        transport=transport, base_url="http://kenesh.test", headers=headers
    ) as client:
        yield client, world


def table(html: str, caption: str, first: str) -> dict[str, list[str]]:
    """The rows (first cell → the others) of the table captioned `caption` whose first header
    is `first`."""
    for found in re.findall(r"<table>(.*?)</table>", html, re.S):
        if f"<caption>{caption}</caption>" in found and f'<th scope="col">{first}</th>' in found:
            rows = re.findall(r"<tr><td>(.*?)</tr>", found, re.S)
            return {
                r.split("</td>", 1)[0]: re.findall(r'<td class="n">(.*?)</td>', r) for r in rows
            }
    raise AssertionError(f"no table {caption!r} by {first!r}")


async def test_the_municipality_page_shows_the_figures_by_group(site) -> None:
    client, _world = site
    page = await client.get("/place/JA-SUZAK-BARPY")
    assert page.status_code == 200
    html = page.text
    assert "By group" in html
    ages = table(html, "Supports of residents&#39; needs", "Age")
    assert ages["60 or older"] == ["6"]
    assert ages["18–29"] == ["too few"] and ages["not answered"] == ["too few"]
    rated = table(html, "Home care · Care · 1. How good was the care?", "Age")
    assert rated["60 or older"] == ["6", "4.7"]  # the service for the elderly, rated by them
    assert rated["18–29"] == ["too few", "—"]
    assert "1.5" not in html  # the young men's average


async def test_nothing_to_show_leaves_the_section_out(site) -> None:
    client, _world = site
    page = await client.get("/place/JA-SUZAK-KURMANBEK")  # nobody supported or answered there
    assert page.status_code == 200 and "By group" not in page.text
    there = await client.get(f"/place/{ELSEWHERE}")  # supports, but no survey
    assert "Supports of residents" in there.text and "How good was the care?" not in there.text
