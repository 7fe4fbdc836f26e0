"""The workspace around any domain's pages: a throwaway domain declares a page, a form and a
refusal, and gets navigation, the layout, CSRF, headers, language and the audit trail."""

from __future__ import annotations

import types
from pathlib import Path

import pytest
from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import select

import handlers
from bot import audit
from bot.audit import PermissionDenied
from bot.settings import Settings
from bot.web.desk import Desk
from bot.web.pages import NavLink, Pages, admins
from bot.web.workspace import Workspace
from bot.wiring import load
from models import AuditEvent, Role
from tests.conftest import clear
from tests.workspace import SECRET, browser, create_member, sign_in


def demo_routes(workspace: Workspace) -> APIRouter:
    router = APIRouter()

    @router.get("/demo/")
    async def page(desk: Desk = workspace.signed_in) -> Response:
        return desk.render("demo/page.html", greeting=desk.t("Workspace"))

    @router.post("/demo/change")
    async def change(desk: Desk = workspace.signed_in) -> Response:
        return desk.redirect("/staff/demo/", notice=f"changed to {desk.field('value')}")

    @router.get("/demo/denied")
    async def denied(desk: Desk = workspace.signed_in) -> Response:
        await audit.record(desk.session, desk.person.id, "demo", "refused")
        raise PermissionDenied("demo")

    @router.get("/demo/admin")
    async def admin_only(desk: Desk = workspace.signed_in) -> Response:
        await desk.require(admins, "demo_admin")
        return desk.render("demo/page.html", greeting="admin")

    return router


@pytest.fixture
async def app(database, tmp_path: Path):
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "page.html").write_text(
        '{% extends "base.html" %}{% block content %}<h1>{{ greeting }}</h1>'
        '<form method="post" action="/staff/demo/change"><input type="hidden" name="csrf" '
        'value="{{ csrf }}"><input name="value"></form>{% endblock %}'
    )
    demo = types.SimpleNamespace(
        PAGES=(
            Pages(
                "demo",
                demo_routes,
                folder,
                (NavLink("/demo/", "Demo pages", 5), NavLink("/demo/admin", "Admins", 6, admins)),
            ),
        )
    )
    await clear(database)
    config = Settings(database_url=database.url, secret_key=SECRET)
    return load([*handlers.DOMAINS, demo]).assemble(config, database.engine, database.sessions)


async def test_a_domain_declares_its_pages_and_gets_the_workspace_around_them(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        start = await client.get("/staff/")
        assert start.status_code == 303 and start.headers["location"] == "/staff/demo/"
        page = await client.get("/staff/demo/")
    assert page.status_code == 200 and "<h1>Workspace</h1>" in page.text
    assert 'href="/staff/demo/" aria-current="page"' in page.text
    assert "Admins" not in page.text  # staff do not see the admins' link
    assert page.text.count('aria-current="page"') == 1
    headers = page.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self';" in headers["content-security-policy"]
    assert "unsafe-inline" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    assert "<script>" not in page.text and " style=" not in page.text


async def test_every_form_needs_its_csrf_token(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        missing = await client.post("/staff/demo/change", data={"value": "x"})
        wrong = await client.post("/staff/demo/change", data={"value": "x", "csrf": "nope"})
        good = await client.post("/staff/demo/change", data={"value": "x", "csrf": csrf})
        after = await client.get("/staff/demo/")
        again = await client.get("/staff/demo/")
    assert missing.status_code == 403 and wrong.status_code == 403 and "reload" in wrong.text
    assert good.status_code == 303
    assert "changed to x" in after.text and "changed to x" not in again.text  # said once
    async with app.sessions() as session:
        events = (await session.scalars(select(AuditEvent).order_by(AuditEvent.id))).all()
    trail = [(e.action, e.outcome, e.detail) for e in events]
    assert ("web_csrf", "refused", "page=/staff/demo/change") in trail
    assert ("web_change", "ok", "page=/staff/demo/change") in trail
    assert all(e.person_id == clerk.id for e in events if e.action.startswith("web_c"))


async def test_refusals_are_pages_and_stay_recorded(app) -> None:
    clerk = await create_member(app, "clerk")
    admin = await create_member(app, "admin", role=Role.admin, code=None)
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        denied = await client.get("/staff/demo/denied")
        admin_page = await client.get("/staff/demo/admin")
        missing = await client.get("/staff/nothing-here")
    assert denied.status_code == 403 and "your municipality" in denied.text
    assert admin_page.status_code == 403 and "administrators" in admin_page.text
    assert missing.status_code == 404 and "no such page" in missing.text
    async with browser(app) as client:
        await sign_in(client, app, admin)
        assert (await client.get("/staff/demo/admin")).status_code == 200
    async with app.sessions() as session:
        actions = {e.action: e.detail for e in await session.scalars(select(AuditEvent))}
    assert actions["demo"] == "page=/staff/demo/denied"
    assert actions["demo_admin"] == "role page=/staff/demo/admin"


async def test_the_language_switch_keeps_the_page(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        refused = await client.post("/staff/language", data={"language": "ru"})
        assert refused.status_code == 403
        bad = await client.post("/staff/language", data={"language": "fr", "csrf": csrf})
        assert bad.status_code == 400
        switched = await client.post(
            "/staff/language",
            data={"language": "ru", "next": "/staff/demo/?x=1", "csrf": csrf},
        )
        assert switched.status_code == 303 and switched.headers["location"] == "/staff/demo/?x=1"
        page = await client.get("/staff/demo/")
        assert "<h1>Кабинет</h1>" in page.text and 'lang="ru"' in page.text
        away = await client.post(
            "/staff/language", data={"language": "ky", "next": "//evil.example", "csrf": csrf}
        )
    assert away.headers["location"] == "/staff/"
