"""Walk-in entry: a need recorded at the office, with or without the resident's phone."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import Address, ConsentStatus, Need, OutboxMessage, Person, Role
from tests.factories import ELSEWHERE, category, municipality
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def test_every_bad_field_is_named_and_nothing_typed_is_lost(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        page = await client.post(
            "/staff/needs/walk-in",
            data={"csrf": csrf, "category": "x", "description": "abc", "phone": "0555 123 456"},
        )
        long = await client.post(
            "/staff/needs/walk-in",
            data={"csrf": csrf, "description": "y" * 2001, "place": "p" * 301},
        )
    assert page.status_code == 422
    for message in ("Choose a category.", "in a few words at least", "consent is needed"):
        assert message in page.text
    assert 'value="0555 123 456"' in page.text and ">abc</textarea>" in page.text
    assert "At most 2000 characters." in long.text and "At most 300 characters." in long.text
    async with app.sessions() as session:
        assert (await session.scalars(select(Need))).all() == []


async def test_a_need_with_a_phone_reaches_the_resident_by_sms(app) -> None:
    clerk = await create_member(app, "clerk")
    water = await category(app, "water")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        saved = await client.post(
            "/staff/needs/walk-in",
            data={
                "csrf": csrf,
                "category": str(water.id),
                "description": "No water on Lenin street",
                "place": "Lenin st.",
                "phone": "0555 123 456",
                "language": "ru",
                "consent": "1",
            },
        )
        assert saved.status_code == 303
        page = (await client.get(saved.headers["location"])).text
    async with app.sessions() as session:
        need = await session.scalar(select(Need))
        address = await session.scalar(select(Address).where(Address.channel == "sms"))
        person = await session.get(Person, address.person_id)
        sms = await session.scalar(select(OutboxMessage))
    assert f"Recorded as {need.reference}" in page and "by SMS" in page
    assert need.reporter_id == person.id and need.place == "Lenin st." and need.language == "ru"
    assert person.consent == ConsentStatus.given and person.consent_recorded_by == clerk.id
    assert (address.channel, address.value) == ("sms", "+996555123456")
    assert sms.channel == "sms" and need.reference in sms.body and "Ваш" in sms.body


async def test_without_a_phone_the_need_is_anonymous(app) -> None:
    clerk = await create_member(app, "clerk")
    water = await category(app, "water")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        saved = await client.post(
            "/staff/needs/walk-in",
            data={"csrf": csrf, "category": str(water.id), "description": "A bench is broken"},
        )
    assert saved.status_code == 303
    async with app.sessions() as session:
        need = await session.scalar(select(Need))
        assert need.reporter_id is None and (await session.scalars(select(Person))).all() != []
        assert (await session.scalars(select(OutboxMessage))).all() == []


async def test_admins_choose_the_municipality_staff_cannot(app) -> None:
    admin = await create_member(app, "admin", role=Role.admin, code=None)
    clerk = await create_member(app, "clerk")
    water = await category(app, "water")
    other = await municipality(app, ELSEWHERE)
    async with browser(app) as client:
        csrf = await sign_in(client, app, admin)
        missing = await client.post(
            "/staff/needs/walk-in",
            data={"csrf": csrf, "category": str(water.id), "description": "A bench is broken"},
        )
        assert missing.status_code == 422 and "Choose the municipality." in missing.text
        await client.post(
            "/staff/needs/walk-in",
            data={
                "csrf": csrf,
                "category": str(water.id),
                "municipality": str(other.id),
                "description": "A bench is broken",
            },
        )
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        await client.post(
            "/staff/needs/walk-in",
            data={
                "csrf": csrf,
                "category": str(water.id),
                "municipality": str(other.id),  # ignored: staff record for their own
                "description": "Another bench",
            },
        )
    async with app.sessions() as session:
        places = {n.description: n.municipality_id for n in await session.scalars(select(Need))}
    assert places["A bench is broken"] == other.id
    assert places["Another bench"] == clerk.staff_municipality_id
