"""The workspace's page of places residents typed that the register lacks: admins only."""

from __future__ import annotations

import pytest

from models import Role
from tests.factories import Chat
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def a_resident_types(app, address: str, place: str) -> None:
    person = Chat(app, address)
    await person.say("hi")
    await person.choose("English")
    await person.say(place)
    await person.say(place)
    await person.choose("My village is not in the list")
    await person.choose("Jalal-Abad Region")
    await person.choose("Suzak District")
    await person.choose("Yes")  # Suzak District, until the village is added
    await person.choose("Yes")  # consent


async def test_admins_see_what_residents_typed_and_where_they_went_on(app) -> None:
    await a_resident_types(app, "first", "Atlantida")
    await a_resident_types(app, "second", "Atlantida")
    admin = await create_member(app, "admin", role=Role.admin, code=None, language="ru")
    async with browser(app, language="ru") as client:
        await sign_in(client, app, admin)
        page = await client.get("/staff/places/unlisted")
        start = await client.get("/staff/", follow_redirects=True)
    assert page.status_code == 200
    assert "Места, которых нет в списке" in page.text
    row = "<tr><td>Atlantida</td><td>Сузакский район (Джалал-Абадская область)</td><td>2</td></tr>"
    assert row in page.text
    assert 'href="/staff/places/unlisted"' in start.text


async def test_staff_are_refused_and_not_shown_the_link(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        refused = await client.get("/staff/places/unlisted")
        start = await client.get("/staff/", follow_redirects=True)
    assert refused.status_code == 403
    assert "/staff/places/unlisted" not in start.text
