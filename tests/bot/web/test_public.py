"""The public site's platform: a domain declares public pages and sections and gets, around
them, the layout with its link preview, the language (address, cookie, browser), validators
with 304, a short shared cache, the per-client limit, the security headers and the problem
pages; `PUBLIC_PAGES=false` serves none of it, and it shadows none of the other routes."""

from __future__ import annotations

import types
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fastapi import APIRouter
from fastapi.responses import Response

import handlers
from bot.app import App
from bot.http import create_http_app
from bot.i18n import N_
from bot.settings import Settings
from bot.web.public.pages import PublicLink, PublicPages, Section
from bot.web.public.site import PublicSite
from bot.web.public.visit import PublicProblem, Visit
from bot.wiring import load
from tests.conftest import Database, clear

BASE = "http://kenesh.test"


def toy_routes(site: PublicSite) -> APIRouter:
    router = APIRouter()

    @router.get("/toy/{word}")
    async def page(word: str, visit: Visit = site.visit) -> Response:
        if word == "missing":
            raise PublicProblem(404, N_("There is no such page"), N_("Check the address."))
        parts = await visit.sections("toy", word)
        return visit.render(
            "toy/page.html",
            title=f"Toy {word}",
            description=visit.t("Skip to the content"),
            parts=parts,
        )

    return router


async def _toy_section(visit: Visit, word: str) -> dict[str, str] | None:
    return None if word == "bare" else {"echo": word.upper()}


async def _toy_tail(visit: Visit, word: str) -> dict[str, str] | None:
    return {"echo": "tail"}


def toy_domain(folder: Path) -> types.SimpleNamespace:
    (folder / "page.html").write_text(
        '{% extends "public.html" %}{% block content %}<h1>{{ title }}</h1>'
        "{% for part in parts %}{{ part }}{% endfor %}{% endblock %}"
    )
    (folder / "section.html").write_text("<p class=section>{{ echo }}</p>")
    return types.SimpleNamespace(
        PUBLIC=(
            PublicPages(
                "toy",
                toy_routes,
                folder,
                sections=(
                    Section("toy", 20, "toy/section.html", _toy_tail),
                    Section("toy", 10, "toy/section.html", _toy_section),
                ),
                nav=(PublicLink("/toy/nav", "Language", 5),),
            ),
        )
    )


async def toy_app(database: Database, folder: Path, **settings: object) -> App:
    await clear(database)
    config = Settings(database_url=database.url, **settings)
    domains = [*handlers.DOMAINS, toy_domain(folder)]
    return load(domains).assemble(config, database.engine, database.sessions)


@pytest.fixture
async def toy(database: Database, tmp_path: Path) -> App:
    return await toy_app(database, tmp_path)


@asynccontextmanager
async def visitor(app: App, language: str | None = "en") -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_http_app(app))
    headers = {"accept-language": language} if language else {}
    async with httpx.AsyncClient(transport=transport, base_url=BASE, headers=headers) as client:
        yield client


async def test_a_domain_declares_a_page_and_gets_the_layout_and_preview(toy) -> None:
    async with visitor(toy) as client:
        page = await client.get("/toy/hello")
    assert page.status_code == 200
    html = page.text
    assert '<html lang="en">' in html and "<h1>Toy hello</h1>" in html
    assert "<title>Toy hello · Kenesh</title>" in html
    assert '<meta name="description" content="Skip to the content">' in html
    assert '<meta property="og:title" content="Toy hello">' in html
    assert '<meta property="og:description" content="Skip to the content">' in html
    # sections in their declared order; the header link another domain declared
    assert html.index("<p class=section>HELLO</p>") < html.index("<p class=section>tail</p>")
    assert '<a href="/toy/nav">Language</a>' in html
    assert "<script" not in html and "style=" not in html


async def test_a_section_that_loads_nothing_is_left_out(toy) -> None:
    async with visitor(toy) as client:
        page = await client.get("/toy/bare")
    assert "class=section>BARE" not in page.text and "<p class=section>tail</p>" in page.text


async def test_the_page_and_its_assets_stay_small(toy) -> None:
    async with visitor(toy) as client:
        page = await client.get("/toy/hello")
        css = page.text.split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        sheet = await client.get(css)
    assert sheet.status_code == 200 and "immutable" in sheet.headers["cache-control"]
    assert len(page.content) + len(sheet.content) < 100_000


@pytest.mark.parametrize(
    ("header", "expected", "word"),
    [
        ("ru-RU,ru;q=0.9,en;q=0.5", "ru", "Перейти к содержимому"),
        ("de-DE, uz;q=0.4, en;q=0.8", "en", "Skip to the content"),
        ("fr", "ky", "Мазмунга өтүү"),  # none of ours: DEFAULT_LANGUAGE
        ("uz", "uz", "Mazmunga o‘tish"),
    ],
)
async def test_the_language_follows_the_browser(toy, header, expected, word) -> None:
    async with visitor(toy, header) as client:
        page = await client.get("/toy/hello")
    assert f'<html lang="{expected}">' in page.text and word in page.text
    assert "accept-language" in page.headers["vary"].lower()


async def test_a_language_chosen_in_the_address_is_kept_for_the_next_pages(toy) -> None:
    async with visitor(toy, "en") as client:
        first = await client.get("/toy/hello")
        switch = first.text.split('hreflang="ru"', 1)[0].rsplit('href="', 1)[1].split('"')[0]
        assert switch == "/toy/hello?lang=ru"
        chosen = await client.get(switch)
        assert '<html lang="ru">' in chosen.text
        assert "private" in chosen.headers["cache-control"]  # it sets a cookie: not shared
        later = await client.get("/toy/other")
        assert '<html lang="ru">' in later.text
        # an unknown language in the address is ignored, the cookie stays
        odd = await client.get("/toy/other?lang=xx")
        assert '<html lang="ru">' in odd.text


async def test_a_page_the_browser_has_is_answered_304_without_a_body(toy) -> None:
    async with visitor(toy) as client:
        page = await client.get("/toy/hello")
        etag = page.headers["etag"]
        assert page.headers["cache-control"] == "public, max-age=60"
        again = await client.get("/toy/hello", headers={"if-none-match": etag})
        other = await client.get("/toy/other", headers={"if-none-match": etag})
        in_russian = await client.get(
            "/toy/hello", headers={"if-none-match": etag, "accept-language": "ru"}
        )
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    assert other.status_code == 200 and other.headers["etag"] != etag
    assert in_russian.status_code == 200  # another language is another page


async def test_too_many_pages_from_one_client_get_429_with_when_to_come_back(
    database, tmp_path
) -> None:
    app = await toy_app(database, tmp_path, public_rate=3)
    http = create_http_app(app)
    http.state.public.state.site.limit.clock = lambda: 1000.0  # the clock stands still
    transport = httpx.ASGITransport(app=http)
    async with httpx.AsyncClient(
        transport=transport, base_url=BASE, headers={"accept-language": "ru"}
    ) as client:
        answers = [await client.get("/toy/hello") for _ in range(4)]
        staff = await client.get("/staff/")
        health = await client.get("/healthz")
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1]
    assert int(refused.headers["retry-after"]) == 20  # one page more every 20 s
    assert '<html lang="ru">' in refused.text and "Toy" not in refused.text
    assert refused.headers["content-security-policy"]
    assert refused.headers["cache-control"] == "no-store"
    assert staff.status_code != 429 and health.status_code == 200  # only the public pages


async def test_the_security_headers_are_the_workspace_s(toy) -> None:
    async with visitor(toy) as client:
        page = await client.get("/toy/hello")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


async def test_what_does_not_exist_gets_the_public_404_page_in_the_reader_s_language(
    toy,
) -> None:
    async with visitor(toy, "ru") as client:
        missing = await client.get("/toy/missing")
        bad_method = await client.post("/toy/hello")
    assert missing.status_code == 404 and '<html lang="ru">' in missing.text
    assert "<title>" in missing.text and missing.headers["cache-control"] == "no-store"
    assert bad_method.status_code == 405


async def test_public_pages_switched_off_are_not_served(database, tmp_path) -> None:
    app = await toy_app(database, tmp_path, public_pages=False)
    async with visitor(app) as client:
        page = await client.get("/toy/hello")
        sheet = await client.get("/assets/site.css")
        health = await client.get("/healthz")
    assert page.status_code == 404 and sheet.status_code == 404 and "Kenesh" not in page.text
    assert health.status_code == 200


async def test_the_other_routes_are_not_shadowed(toy) -> None:
    """The webhooks, Open311, OCDS, metrics and the workspace answer as without public pages,
    and a path no one serves still gets the HTTP app's own 404."""
    async with visitor(toy) as client:
        ocds = await client.get("/ocds/releases.json")
        services = await client.get("/open311/v2/services.json")
        metrics = await client.get("/metrics")
        staff = await client.get("/staff/")
        nowhere = await client.get("/no/such/path")
    assert ocds.status_code == 200 and ocds.json()["releases"] == []
    assert services.status_code == 200 and isinstance(services.json(), list)
    assert metrics.status_code == 200 and "process_cpu_seconds_total" in metrics.text
    assert staff.status_code == 401 and "no-store" in staff.headers["cache-control"]
    assert nowhere.status_code == 404 and nowhere.json() == {"detail": "Not Found"}


async def test_heavy_figures_are_computed_once_while_fresh_however_many_ask() -> None:
    import asyncio

    from bot.web.public.memo import Memo

    now = [0.0]
    memo = Memo(60, clock=lambda: now[0])
    computed: list[int] = []

    async def compute() -> int:
        computed.append(1)
        await asyncio.sleep(0)  # the others ask while it computes
        return len(computed)

    first = await asyncio.gather(*(memo.get("country", compute) for _ in range(5)))
    now[0] = 59.0
    fresh = await memo.get("country", compute)
    now[0] = 61.0
    stale = await memo.get("country", compute)
    assert first == [1] * 5 and fresh == 1 and stale == 2
