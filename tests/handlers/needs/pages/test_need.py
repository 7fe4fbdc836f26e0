"""A need's page: details, status change with its preview, moderation, walk-in supports."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from handlers.needs.open311.serializers import service_request
from models import (
    Address,
    AuditEvent,
    Category,
    ConsentStatus,
    Municipality,
    Need,
    NeedStatus,
    NeedSupport,
    OutboxMessage,
    Person,
)
from tests.factories import ELSEWHERE, Chat, create_need, create_resident, onboard
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def test_the_page_shows_the_need_and_its_place(app) -> None:
    resident = await create_resident(app, "res")
    need = await create_need(app, resident, description="The bridge is broken")
    async with app.sessions() as session, session.begin():
        await session.execute(
            update(Need).values(
                latitude=40.93, longitude=72.98, place="Lenin st. 5", photo_ref="ph1"
            )
        )
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        page = (await client.get(f"/staff/needs/{need.id}")).text
        assert (await client.get("/staff/needs/abc")).status_code == 400
        assert (await client.get("/staff/needs/999999")).status_code == 403
    assert "The bridge is broken" in page and "Lenin st. 5" in page
    assert "40.93000, 72.98000" in page and "geo:40.930000,72.980000" in page
    assert "openstreetmap.org/?mlat=40.930000" in page and "Open the photo" in page


async def test_status_change_previews_then_tells_the_resident_in_their_language(app) -> None:
    resident = await create_resident(app, "res", language="ru")
    need = await create_need(app, resident)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        live = await client.get(
            f"/staff/needs/{need.id}/preview", params={"status": "resolved", "comment": "Готово"}
        )
        assert "in Russian:" in live.text and "Готово" in live.text  # the reader's word
        previewed = await client.post(
            f"/staff/needs/{need.id}/status",
            data={"csrf": csrf, "status": "resolved", "comment": "Готово", "preview": "1"},
        )
        assert previewed.status_code == 200 and "Готово" in previewed.text
        reasonless = await client.post(
            f"/staff/needs/{need.id}/status", data={"csrf": csrf, "status": "rejected"}
        )
        assert reasonless.status_code == 422 and "A rejection needs a reason" in reasonless.text
        long = await client.post(
            f"/staff/needs/{need.id}/status",
            data={"csrf": csrf, "status": "resolved", "comment": "x" * 501},
        )
        assert long.status_code == 422 and "x" * 501 in long.text  # what was typed is kept
        async with app.sessions() as session:
            assert (await session.scalar(select(func.count(OutboxMessage.id)))) == 0
        done = await client.post(
            f"/staff/needs/{need.id}/status",
            data={"csrf": csrf, "status": "resolved", "comment": "Готово"},
        )
        assert done.status_code == 303
        page = (await client.get(f"/staff/needs/{need.id}")).text
    assert "The resident has been told" in page and "Готово" in page
    async with app.sessions() as session:
        body = await session.scalar(select(OutboxMessage.body))
        events = (
            await session.scalars(
                select(AuditEvent.detail).where(AuditEvent.action == "change_status")
            )
        ).all()
    assert (
        need.reference in body
        and "Готово" in body
        and body == live.text.split('<div class="preview">')[1].split("</div>")[0]
    )
    assert events == [f"need={need.id} status=resolved page=/staff/needs/{need.id}/status"]


async def test_moderation_hides_or_redacts_for_others_and_tells_the_reporter(app) -> None:
    reporter = await create_resident(app, "res")
    need = await create_need(app, reporter, description="Asan Uulu at 0555 123 456 stole it")
    clerk = await create_member(app, "clerk")
    neighbour = Chat(app, "neighbour")
    await onboard(neighbour)
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        url = f"/staff/needs/{need.id}/moderation"
        no_reason = await client.post(url, data={"csrf": csrf, "mode": "hide"})
        assert no_reason.status_code == 422 and "Write the reason" in no_reason.text
        empty = await client.post(url, data={"csrf": csrf, "mode": "redact", "reason": "names"})
        assert empty.status_code == 422 and "Write the text other residents" in empty.text
        done = await client.post(
            url,
            data={
                "csrf": csrf,
                "mode": "redact",
                "redacted": "Someone stole it",
                "reason": "names",
            },
        )
        assert done.status_code == 303
        page = (await client.get(f"/staff/needs/{need.id}")).text
    assert "Asan Uulu" in page and "Someone stole it" in page  # staff keep the original
    screen = await neighbour.choose("Priorities of my community")
    assert "Someone stole it" in screen and "Asan" not in screen
    async with app.sessions() as session:
        stored = await session.get(Need, need.id)
        category = await session.get(Category, stored.category_id)
        place = await session.get(Municipality, stored.municipality_id)
        told = await session.scalar(
            select(OutboxMessage.body).where(OutboxMessage.person_id == reporter.id)
        )
    assert service_request(stored, category, place, "en")["description"] == "Someone stole it"
    assert "Someone stole it" in told and "names" in told
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        await client.post(url, data={"csrf": csrf, "mode": "hide", "reason": "insults"})
    async with app.sessions() as session:
        stored = await session.get(Need, need.id)
    assert service_request(stored, category, place, "en")["description"] == ""
    await neighbour.say("menu")
    screen = await neighbour.choose("Priorities of my community")
    assert "hid the text" in screen and "stole" not in screen


async def test_walk_in_support_with_consent_recorded_by_whom(app) -> None:
    reporter = await create_resident(app, "res")
    need = await create_need(app, reporter)
    elsewhere = await create_need(app, reporter, code=ELSEWHERE)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        url = f"/staff/needs/{need.id}/support"
        bad = await client.post(url, data={"csrf": csrf, "phone": "12"})
        assert (
            bad.status_code == 422
            and "does not look right" in bad.text
            and 'value="12"' in bad.text
        )
        no_consent = await client.post(url, data={"csrf": csrf, "phone": "0555 123 456"})
        assert no_consent.status_code == 422 and "consent is needed" in no_consent.text
        ok = await client.post(
            url, data={"csrf": csrf, "phone": "0555 123 456", "consent": "1", "language": "ky"}
        )
        assert ok.status_code == 303
        twice = await client.post(
            url, data={"csrf": csrf, "phone": "+996555123456", "consent": "1"}
        )
        assert twice.status_code == 422 and "already supports" in twice.text
        anonymous = await client.post(url, data={"csrf": csrf})
        assert anonymous.status_code == 303
        refused = await client.post(f"/staff/needs/{elsewhere.id}/support", data={"csrf": csrf})
        assert refused.status_code == 403
    async with app.sessions() as session:
        address = await session.scalar(select(Address).where(Address.channel == "sms"))
        person = await session.get(Person, address.person_id)
        supports = (
            await session.scalars(
                select(NeedSupport.person_id).where(NeedSupport.need_id == need.id)
            )
        ).all()
    assert address.value == "+996555123456" and person.language == "ky"
    assert person.consent == ConsentStatus.given and person.consent_recorded_by == clerk.id
    assert sorted(supports, key=str) == sorted([person.id, None], key=str)
    assert need.status == NeedStatus.new
