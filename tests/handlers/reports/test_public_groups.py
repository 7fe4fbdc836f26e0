"""The figures by group on a municipality's public page (`/m/CODE`): the staff reports'
figures, a small group shown as "too few" and never its number, no section when there is
nothing to show."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import update

from bot.http import create_http_app
from models import Need
from models.base import utcnow
from tests.conftest import clear, make_app
from tests.factories import ELSEWHERE, HOME
from tests.handlers.reports.group_world import create_group_world


@pytest.fixture
async def client(database):
    await clear(database)
    app = make_app(database, report_min_group=5)
    await create_group_world(app)
    async with app.sessions() as session, session.begin():
        # the public page counts the last twelve months
        await session.execute(update(Need).values(created_at=utcnow()))
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://kenesh.test", headers={"accept-language": "en"}
    ) as client:
        yield client


def table(html: str, caption: str, first: str) -> dict[str, list[str]]:
    """The rows (first cell → the others) of the table captioned `caption` whose first
    header is `first`."""
    for found in re.findall(r"<table>(.*?)</table>", html, re.S):
        if f"<caption>{caption}</caption>" in found and f'<th scope="col">{first}</th>' in found:
            rows = re.findall(r"<tr><td>(.*?)</tr>", found, re.S)
            return {
                r.split("</td>", 1)[0]: re.findall(r'<td class="n">(.*?)</td>', r) for r in rows
            }
    raise AssertionError(f"no table {caption!r} by {first!r}")


async def test_the_municipality_page_shows_the_figures_by_group(client) -> None:
    page = await client.get(f"/m/{HOME}")
    assert page.status_code == 200
    html = page.text
    assert "By group" in html
    ages = table(html, "Supports of residents&#39; needs", "Age")
    assert ages["60 or older"] == ["6"]
    assert ages["18–29"] == ["too few"] and ages["not answered"] == ["too few"]
    genders = table(html, "Supports of residents&#39; needs", "Gender")
    assert genders["Woman"] == ["6"] and genders["Man"] == ["too few"]
    rated = table(html, "Home care · Care · 1. How good was the care?", "Age")
    assert rated["60 or older"] == ["6", "4.7"]  # the service for the elderly, rated by them
    assert rated["18–29"] == ["too few", "—"]
    assert "1.5" not in html  # the young men's average


async def test_nothing_to_show_leaves_the_section_out(client) -> None:
    quiet = await client.get("/m/JA-SUZAK-KURMANBEK")  # nobody supported or answered there
    assert quiet.status_code == 200 and "By group" not in quiet.text
    there = await client.get(f"/m/{ELSEWHERE}")  # supports, but no survey
    assert "Supports of residents" in there.text and "How good was the care?" not in there.text
