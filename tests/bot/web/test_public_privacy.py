"""No personal data on any public page: a crawl of everything a visitor can reach about a seeded
municipality — the start page, its region and district, its page, and every page those link to
on this site — finds none of the names, phone numbers or chat ids of the people who made the
data, nor a hidden need's text, a redacted need's original, a need's place or a written survey
answer.

To cover a new public page or file, make it reachable by a link from these, or add its path to
`START`."""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import httpx

from bot.http import create_http_app
from tests.conftest import clear, make_app
from tests.factories import HOME
from tests.public_seed import PERSONAL, seed_municipality

BASE = "http://kenesh.test"
START = ("/", "/?in=JA", "/?in=JA-SUZAK", f"/m/{HOME}", "/?q=Barpy")
ELSEWHERE = re.compile(r"^/(m/|\?in=)")  # another municipality's pages: not this one's data


def _links(html: str, here: str) -> list[str]:
    found = []
    for href in re.findall(r'(?:href|src)="([^"]+)"', html):
        url = urlsplit(urljoin(BASE + here, href.replace("&amp;", "&")))
        if url.netloc == urlsplit(BASE).netloc:
            found.append(url.path + (f"?{url.query}" if url.query else ""))
    return found


def _own(path: str) -> bool:
    """Whether a crawled path belongs to the seeded municipality (or to no municipality)."""
    if not ELSEWHERE.match(path):
        return True
    return path in START or path.startswith(f"/m/{HOME}")


async def crawl(client: httpx.AsyncClient, languages=("en", "ru")) -> dict[str, str]:
    """Every public page and file reachable from START, in each of `languages`."""
    seen: dict[str, str] = {}
    for language in languages:
        queue = deque(START)
        visited: set[str] = set()
        while queue:
            path = queue.popleft()
            if path in visited or not _own(path):
                continue
            visited.add(path)
            response = await client.get(path, headers={"accept-language": language})
            assert response.status_code in (200, 301, 404), (path, response.status_code)
            if response.status_code == 301:
                queue.append(response.headers["location"])
                continue
            body = response.text
            seen[f"{language} {path}"] = body
            if "html" in response.headers.get("content-type", ""):
                queue.extend(link for link in _links(body, path) if "lang=" not in link)
    return seen


async def test_no_public_page_shows_anything_about_a_person(database) -> None:
    await clear(database)
    app = make_app(database, report_min_group=5, public_rate=100_000)
    seeded = await seed_municipality(app)
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url=BASE) as client:
        pages = await crawl(client)
    municipality_page = pages[f"en /m/{HOME}"]
    # the crawl saw the data (so finding nothing means something)
    assert "The well in the upper quarter is dry" in municipality_page
    assert "A resident asks for a street light" in municipality_page
    assert "Umut Public Foundation" in municipality_page
    assert "Water will be off on Friday" in municipality_page
    assert f"/n/{seeded.top_need.reference}" in municipality_page
    assert len(pages) >= 2 * len(START)
    leaks = [(where, text) for where, body in pages.items() for text in PERSONAL if text in body]
    assert leaks == []
    # a hidden need is not listed at all
    assert seeded.hidden.reference not in municipality_page
