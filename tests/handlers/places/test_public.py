"""The public start page and a municipality's page: a person finds their municipality by oblast
and rayon or by typing its name as in the bot, and its page opens; an unknown code is a 404 page,
a merged municipality's old address leads to its successor."""

from __future__ import annotations

import re
from contextlib import asynccontextmanager

import httpx

from bot.app import App
from bot.http import create_http_app
from handlers.places.register import merge_units
from tests.factories import HOME, create_need, create_resident

BASE = "http://kenesh.test"


@asynccontextmanager
async def visitor(app: App, language: str = "en"):
    transport = httpx.ASGITransport(app=create_http_app(app))
    headers = {"accept-language": language}
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        yield client


def links(html: str) -> dict[str, str]:
    """Link text → href of a page."""
    return {
        re.sub(r"<[^>]+>", "", text).strip(): href
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    }


async def test_a_person_walks_from_the_regions_to_their_municipality(app) -> None:
    async with visitor(app) as client:
        start = await client.get("/")
        assert start.status_code == 200 and "Jalal-Abad Region" in links(start.text)
        oblast = await client.get(links(start.text)["Jalal-Abad Region"])
        assert oblast.status_code == 200 and "Suzak District" in links(oblast.text)
        rayon = await client.get(links(oblast.text)["Suzak District"])
        found = links(rayon.text)
        assert found["Barpy ayil aimak"] == f"/m/{HOME}"
        page = await client.get(found["Barpy ayil aimak"])
    assert page.status_code == 200
    assert "<h1>Barpy ayil aimak</h1>" in page.text
    crumbs = links(page.text)
    assert crumbs["Jalal-Abad Region"] == "/?in=JA" or "Jalal-Abad Region" in crumbs


async def test_the_search_finds_what_the_bot_finds_in_any_script(app) -> None:
    async with visitor(app, "ru") as client:
        cyrillic = await client.get("/", params={"q": "Барпы"})
        latin = await client.get("/", params={"q": "barpy"})
        nothing = await client.get("/", params={"q": "Qwertyuiop"})
    assert f'href="/m/{HOME}"' in cyrillic.text and f'href="/m/{HOME}"' in latin.text
    assert 'value="Барпы"' in cyrillic.text  # what was typed stays in the box
    assert nothing.status_code == 200 and "/m/" not in nothing.text
    assert "Проверьте написание" in nothing.text


async def test_a_municipality_page_lists_its_priorities_with_links_to_each_need(app) -> None:
    resident = await create_resident(app, "r1")
    need = await create_need(app, resident, description="The school roof leaks")
    async with visitor(app) as client:
        page = await client.get(f"/m/{HOME}")
    assert "The school roof leaks" in page.text
    assert f'href="/n/{need.reference}"' in page.text
    assert '<meta property="og:title" content="Barpy ayil aimak">' in page.text


async def test_an_unknown_code_is_a_404_page_and_an_oblast_code_leads_to_its_list(app) -> None:
    async with visitor(app, "ky") as client:
        unknown = await client.get("/m/NO-SUCH-PLACE")
        oblast = await client.get("/m/JA")
        lower = await client.get(f"/m/{HOME.lower()}")
        unknown_list = await client.get("/?in=NOWHERE")
    assert unknown.status_code == 404 and '<html lang="ky">' in unknown.text
    assert oblast.status_code == 301 and oblast.headers["location"] == "/?in=JA"
    assert lower.status_code == 301 and lower.headers["location"] == f"/m/{HOME}"
    assert unknown_list.status_code == 404


async def test_a_merged_municipality_s_address_leads_to_its_successor(app, scratch) -> None:
    async with app.sessions() as session, session.begin():
        await merge_units(session, ["X-SUUSAI", "X-TOOSAI"], "X-TOOSAI", {})
    async with visitor(app) as client:
        old = await client.get("/m/X-SUUSAI")
        new = await client.get(old.headers["location"])
    assert old.status_code == 301 and old.headers["location"] == "/m/X-TOOSAI"
    assert new.status_code == 200 and "Toosai ayil aimak" in new.text
