"""“Web workspace” in the bot: staff get a link that signs them in; others are told politely."""

from __future__ import annotations

import re

import pytest

from models import Role
from tests.factories import Chat, create_staff, onboard, t
from tests.workspace import browser, form_value, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


def link_on(screen: str) -> str:
    match = re.search(r"http://127\.0\.0\.1:8080(/staff/sign-in/\S+)", screen)
    assert match, screen
    return match.group(1)


async def test_staff_sign_in_with_the_link_the_bot_sent(app) -> None:
    clerk = await create_staff(app, "clerk")
    await clerk.say("menu")
    screen = await clerk.choose("Web workspace")
    assert "10 minutes" in screen
    path = link_on(screen)
    async with browser(app) as client:
        page = await client.get(path)
        pressed = await client.post(path, data={"nonce": form_value(page.text, "nonce")})
        assert pressed.status_code == 303
        start = await client.get("/staff/", follow_redirects=True)
    assert start.status_code == 200 and "Sign out" in start.text


async def test_the_link_speaks_the_staff_members_language(app) -> None:
    clerk = await create_staff(app, "clerk-ru", language="ru")
    await clerk.say("меню")
    screen = await clerk.choose(t("ru", "Web workspace"))
    assert t("ru", "Web workspace") != "Web workspace"
    assert link_on(screen) and "10" in screen


async def test_ngo_members_are_told_it_is_for_staff(app) -> None:
    member = Chat(app, "ngo")
    await onboard(member)
    person = await member.person()
    async with app.sessions() as session, session.begin():
        (await session.get(type(person), person.id)).role = Role.ngo_member
    await member.say("menu")
    screen = await member.choose("Web workspace")
    assert "for municipal staff" in screen and "/staff/" not in screen


async def test_residents_do_not_see_it(app) -> None:
    resident = Chat(app, "resident")
    await onboard(resident)
    screen = await resident.say("menu")
    assert "Web workspace" not in screen
