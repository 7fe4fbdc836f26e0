"""Signing in to the workspace: links, sessions, their cookies, and their ends."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.audit import PermissionDenied
from bot.web.access import issue_link
from models import AuditEvent, Person, Role, WebSession, WebSignInLink
from models.base import utcnow
from tests.workspace import (
    browser,
    create_member,
    form_value,
    link_for,
    sign_in,
    workspace_app,
)


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def test_a_link_opens_a_session_once(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        path = await link_for(app, clerk)
        page = await client.get(path)
        assert page.status_code == 200 and "Sign in" in page.text
        nonce = form_value(page.text, "nonce")
        pressed = await client.post(path, data={"nonce": nonce})
        assert pressed.status_code == 303
        cookie = pressed.headers.get_list("set-cookie")
        session_cookie = next(c for c in cookie if c.startswith("kenesh_session="))
        assert "HttpOnly" in session_cookie and "SameSite=lax" in session_cookie
        assert "Path=/staff" in session_cookie and "Secure" not in session_cookie
        assert f"Max-Age={12 * 3600}" in session_cookie
        again = await client.get(path)
    assert again.status_code == 410 and "already been used" in again.text
    async with app.sessions() as session:
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    assert [(e.action, e.outcome) for e in events][:2] == [
        ("web_link", "ok"),
        ("web_sign_in", "ok"),
    ]
    assert "page=/staff/sign-in/" in events[1].detail


async def test_secure_cookie_behind_https(database) -> None:
    app = await workspace_app(database, public_url="https://kenesh.example.kg")
    clerk = await create_member(app, "clerk")
    async with browser(app, "https://kenesh.example.kg") as client:
        path = await link_for(app, clerk)
        page = await client.get(path)
        pressed = await client.post(path, data={"nonce": form_value(page.text, "nonce")})
    assert "Secure" in next(
        c for c in pressed.headers.get_list("set-cookie") if c.startswith("kenesh_session=")
    )


async def test_forged_and_expired_links_say_what_to_do(app) -> None:
    clerk = await create_member(app, "clerk")
    path = await link_for(app, clerk)
    async with browser(app) as client:
        forged = await client.get(path[:-3] + "abc")
        assert forged.status_code == 400 and "Web workspace" in forged.text
        assert (await client.get("/staff/sign-in/nothing")).status_code == 400
        async with app.sessions() as session, session.begin():
            await session.execute(
                update(WebSignInLink).values(expires_at=utcnow() - timedelta(seconds=1))
            )
        expired = await client.get(path)
    assert expired.status_code == 410 and "10 minutes" in expired.text


async def test_the_button_needs_the_page_it_came_from(app) -> None:
    clerk = await create_member(app, "clerk")
    path = await link_for(app, clerk)
    async with browser(app) as client:
        refused = await client.post(path, data={"nonce": "guessed"})
        assert refused.status_code == 403
        page = await client.get(path)  # the link is not spent by the refusal
        assert page.status_code == 200


async def test_no_link_for_residents_or_ngo_members(app) -> None:
    for role in (Role.resident, Role.ngo_member):
        person = await create_member(app, f"p-{role}", role=role)
        async with app.sessions() as session, session.begin():
            with pytest.raises(PermissionDenied):
                await issue_link(session, app.settings, await session.get(Person, person.id))


async def test_pages_need_a_session(app) -> None:
    async with browser(app) as client:
        page = await client.get("/staff/")
        assert page.status_code == 401 and "Web workspace" in page.text
        client.cookies.set("kenesh_session", "made.up", path="/staff")
        assert (await client.get("/staff/")).status_code == 401
    async with browser(app, language="ru") as client:
        page = await client.get("/staff/")
    assert "«Веб-кабинет»" in page.text and 'lang="ru"' in page.text


async def test_a_withdrawn_role_ends_the_session(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        async with app.sessions() as session, session.begin():
            await session.execute(
                update(Person).where(Person.id == clerk.id).values(role=Role.resident)
            )
        page = await client.get("/staff/")
        assert page.status_code == 403 and "withdrawn" in page.text
        async with app.sessions() as session, session.begin():
            await session.execute(
                update(Person).where(Person.id == clerk.id).values(role=Role.staff)
            )
        assert (await client.get("/staff/")).status_code == 403  # ended for good
    async with app.sessions() as session:
        ended = await session.scalar(select(WebSession))
    assert ended.end_reason == "revoked"


async def test_sessions_expire(database) -> None:
    app = await workspace_app(database, web_session_hours=1)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        async with app.sessions() as session, session.begin():
            await session.execute(
                update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1))
            )
        page = await client.get("/staff/")
    assert page.status_code == 401 and "working day" in page.text


async def test_signing_out_ends_the_session_for_its_cookie_too(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        cookie = client.cookies.get("kenesh_session")
        refused = await client.post("/staff/sign-out", data={})
        assert refused.status_code == 403
        out = await client.post("/staff/sign-out", data={"csrf": csrf})
        assert out.status_code == 303 and out.headers["location"] == "/staff/signed-out"
        client.cookies.set("kenesh_session", cookie, path="/staff")
        assert (await client.get("/staff/")).status_code == 401
