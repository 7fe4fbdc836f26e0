"""Test helpers for the staff web workspace: an app with SECRET_KEY, an HTTP client through the
ASGI stack, staff made in the database, and signing in the way a person does (link → button)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx

from bot.app import App
from bot.http import create_http_app
from bot.web.access import issue_link
from models import Address, ConsentStatus, Person, Role
from models.base import utcnow
from tests.conftest import Database, clear, make_app
from tests.factories import HOME, municipality

SECRET = "test-secret-key-that-is-long-enough-0123456789"
BASE = "http://kenesh.test"


async def workspace_app(database: Database, **settings: object) -> App:
    """A fresh app on the test database, with SECRET_KEY set."""
    await clear(database)
    return make_app(database, secret_key=SECRET, **settings)


@asynccontextmanager
async def browser(
    app: App, base: str = BASE, language: str = "en"
) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client that keeps cookies, as a browser set to `language` does."""
    transport = httpx.ASGITransport(app=create_http_app(app))
    headers = {"accept-language": f"{language},en;q=0.5"}
    async with httpx.AsyncClient(transport=transport, base_url=base, headers=headers) as client:
        yield client


async def create_member(
    app: App,
    address: str,
    role: Role = Role.staff,
    code: str | None = HOME,
    language: str = "en",
) -> Person:
    """A person with `role` (staff of municipality `code`), known in the simulator at `address`."""
    place = await municipality(app, code) if code else None
    async with app.sessions() as session, session.begin():
        person = Person(
            language=language,
            municipality_id=place.id if place else None,
            role=role,
            staff_municipality_id=place.id if place and role == Role.staff else None,
            consent=ConsentStatus.given,
            consent_at=utcnow(),
        )
        session.add(person)
        await session.flush()
        session.add(Address(person_id=person.id, channel="sim", value=address))
    return person


async def link_for(app: App, person: Person) -> str:
    """A fresh sign-in link for `person`, its path only."""
    async with app.sessions() as session, session.begin():
        fresh = await session.get(Person, person.id)
        url = await issue_link(session, app.settings, fresh)
    return url.split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def form_value(html: str, name: str) -> str:
    """The value of the hidden input `name` on a page."""
    match = re.search(rf'name="{name}" value="([^"]+)"', html)
    assert match, f"no {name} on the page"
    return match.group(1)


async def sign_in(client: httpx.AsyncClient, app: App, person: Person) -> str:
    """Open a link and press its button; returns the session's CSRF token."""
    path = await link_for(app, person)
    page = await client.get(path)
    assert page.status_code == 200, page.text
    pressed = await client.post(path, data={"nonce": form_value(page.text, "nonce")})
    assert pressed.status_code == 303, pressed.text
    start = await client.get("/staff/", follow_redirects=True)
    assert start.status_code == 200, start.text
    return form_value(start.text, "csrf")
