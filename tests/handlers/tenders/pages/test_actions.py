"""A tender's page on the web: publish, move the deadline, cancel, award — the same service
as the bot (OCDS release, alerts in the outbox), the same scope (403, recorded)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Tender, TenderRelease, TenderStatus
from models.base import utcnow
from tests.factories import ELSEWHERE
from tests.tender_factories import alerts, create_ngo, create_tender_for
from tests.tender_factories import create_member as create_ngo_member
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


def _later(days: int) -> str:
    return (utcnow() + timedelta(days=days)).strftime("%d.%m.%Y 18:00")


async def _tender(app, tender_id: int) -> Tender:
    async with app.sessions() as session:
        return await session.get(Tender, tender_id)


async def _releases(app, tender_id: int) -> list[str]:
    async with app.sessions() as session:
        query = select(TenderRelease.tag).where(TenderRelease.tender_id == tender_id)
        return list((await session.scalars(query.order_by(TenderRelease.id))).all())


async def test_publishing_writes_the_release_and_alerts_the_subscribed_ngo(app) -> None:
    ngo = await create_ngo(app, "Umut")
    member = await create_ngo_member(app, "aigul", ngo, language="ru")
    tender = await create_tender_for(app, published=False)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        assert "Publish now" in (await client.get(f"/staff/tenders/{tender.id}")).text
        url = f"/staff/tenders/{tender.id}/publish"
        asked = await client.post(url, data={"csrf": csrf})
        assert await alerts(app) == []  # asked first, as the bot asks: nothing sent yet
        assert (await _tender(app, tender.id)).status == TenderStatus.draft
        done = await client.post(url, data={"csrf": csrf, "confirmed": "yes"})
        assert done.status_code == 303
        page = await client.get(done.headers["location"])
        again = await client.post(url, data={"csrf": csrf, "confirmed": "yes"})
    assert asked.status_code == 200
    assert f"Publish tender {tender.reference}? The subscribed NGOs are alerted" in asked.text
    assert 'name="confirmed" value="yes"' in asked.text
    assert "is published. 1 NGO member was alerted." in page.text
    assert again.status_code == 422 and "already published" in again.text
    published = await alerts(app, "tender_published")
    assert [(a.person_id, a.channel) for a in published] == [(member.id, "sim")]
    assert tender.reference in published[0].body and "Новый тендер" in published[0].body
    assert (await _tender(app, tender.id)).status == TenderStatus.active
    assert await _releases(app, tender.id) == ["tender"]


async def test_staff_of_another_municipality_are_refused_by_any_url(app) -> None:
    theirs = await create_tender_for(app, code=ELSEWHERE, published=False)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        answers = [(await client.get(f"/staff/tenders/{theirs.id}")).status_code]
        for action, data in (
            ("publish", {}),
            ("deadline", {"deadline": _later(30)}),
            ("cancel", {"reason": "Not needed"}),
            ("award", {"organization": "1"}),
        ):
            posted = await client.post(
                f"/staff/tenders/{theirs.id}/{action}", data={"csrf": csrf, **data}
            )
            answers.append(posted.status_code)
            assert "This is not in your municipality" in posted.text
        missing = await client.get("/staff/tenders/999999")
    assert answers == [403] * 5 and missing.status_code == 404
    assert (await _tender(app, theirs.id)).status == TenderStatus.draft
    assert await _releases(app, theirs.id) == []
    async with app.sessions() as session:
        refused = await session.scalar(
            select(func.count(AuditEvent.id)).where(
                AuditEvent.outcome == "refused",
                AuditEvent.detail.like(f"tender={theirs.id} page=/staff/tenders/%"),
                AuditEvent.person_id == clerk.id,
            )
        )
    assert refused == 5


async def test_an_action_without_its_csrf_token_changes_nothing(app) -> None:
    tender = await create_tender_for(app, published=False)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        forged = await client.post(f"/staff/tenders/{tender.id}/publish", data={"csrf": "x"})
        bare = await client.post(f"/staff/tenders/{tender.id}/cancel", data={"reason": "Gone"})
    assert forged.status_code == 403 and bare.status_code == 403
    assert (await _tender(app, tender.id)).status == TenderStatus.draft


async def test_moving_the_deadline_refuses_past_earlier_and_badly_written_dates(app) -> None:
    await create_ngo_member(app, "aigul", await create_ngo(app, "Umut"))
    tender = await create_tender_for(app, deadline=utcnow() + timedelta(days=10))
    clerk = await create_member(app, "clerk", language="ky")
    async with browser(app, language="ky") as client:
        csrf = await sign_in(client, app, clerk)
        url = f"/staff/tenders/{tender.id}/deadline"
        past = await client.post(url, data={"csrf": csrf, "deadline": "01.01.2020 10:00"})
        earlier = await client.post(url, data={"csrf": csrf, "deadline": _later(5)})
        bad = await client.post(url, data={"csrf": csrf, "deadline": "32.13.2027 10:00"})
        later = await client.post(url, data={"csrf": csrf, "deadline": _later(30)})
    assert past.status_code == earlier.status_code == bad.status_code == 422
    assert 'id="deadline-error">Мөөнөтү өтүп кетти' in past.text  # in Kyrgyz, by the field
    assert 'id="deadline-error"' in earlier.text and f'value="{_later(5)}"' in earlier.text
    assert 'value="32.13.2027 10:00"' in bad.text
    assert later.status_code == 303
    moved = await _tender(app, tender.id)
    assert moved.deadline > utcnow() + timedelta(days=29)
    assert await _releases(app, tender.id) == ["tender", "tenderUpdate"]
    assert len(await alerts(app, "tender_extended")) == 1


async def test_cancel_needs_a_reason_the_ngos_read(app) -> None:
    await create_ngo_member(app, "aigul", await create_ngo(app, "Umut"))
    tender = await create_tender_for(app)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        url = f"/staff/tenders/{tender.id}/cancel"
        empty = await client.post(url, data={"csrf": csrf, "reason": ""})
        done = await client.post(url, data={"csrf": csrf, "reason": "The budget was cut"})
    assert empty.status_code == 422 and 'id="reason-error"' in empty.text
    assert done.status_code == 303
    cancelled = await _tender(app, tender.id)
    assert cancelled.status == TenderStatus.cancelled
    assert cancelled.cancel_reason == "The budget was cut"
    assert await _releases(app, tender.id) == ["tender", "tenderCancellation"]
    assert "The budget was cut" in (await alerts(app, "tender_cancelled"))[0].body


async def test_award_goes_to_an_approved_ngo_of_the_municipality(app) -> None:
    ngo = await create_ngo(app, "Umut")
    faraway = await create_ngo(app, "Faraway", codes=(ELSEWHERE,))
    await create_ngo_member(app, "aigul", ngo)
    tender = await create_tender_for(app)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        url = f"/staff/tenders/{tender.id}/award"
        page = (await client.get(f"/staff/tenders/{tender.id}")).text
        stranger = await client.post(url, data={"csrf": csrf, "organization": str(faraway.id)})
        bad_amount = await client.post(
            url, data={"csrf": csrf, "organization": str(ngo.id), "amount": "-5"}
        )
        chosen = {"csrf": csrf, "organization": str(ngo.id), "amount": "140 000"}
        asked = await client.post(url, data=chosen)
        assert (await _tender(app, tender.id)).status == TenderStatus.active  # not yet
        done = await client.post(url, data=chosen | {"confirmed": "yes"})
    assert "Umut" in page and "Faraway" not in page
    assert asked.status_code == 200
    question = asked.text.split('id="question-text">')[1].split("</div>")[0]
    assert "⚠ Applications are still accepted until" in question  # the deadline is ahead
    assert f"Award tender {tender.reference} to “Umut”?" in question
    assert "Contract amount: 140" in question
    assert 'name="amount" value="140 000"' in asked.text  # the "Yes" posts the same choice
    assert stranger.status_code == 422 and 'id="organization-error"' in stranger.text
    assert bad_amount.status_code == 422 and 'value="-5"' in bad_amount.text
    assert done.status_code == 303
    awarded = await _tender(app, tender.id)
    assert awarded.status == TenderStatus.awarded and awarded.awarded_organization_id == ngo.id
    assert str(awarded.award_amount) == "140000.00"
    assert await _releases(app, tender.id) == ["tender", "award"]
    assert len(await alerts(app, "tender_awarded")) == 1


async def test_an_award_after_the_deadline_is_asked_without_the_warning(app) -> None:
    ngo = await create_ngo(app, "Umut")
    tender = await create_tender_for(app)
    async with app.sessions() as session, session.begin():  # its deadline has passed since
        (await session.get(Tender, tender.id)).deadline = utcnow() - timedelta(days=1)
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        url = f"/staff/tenders/{tender.id}/award"
        asked = await client.post(url, data={"csrf": csrf, "organization": str(ngo.id)})
        declined = await client.get(f"/staff/tenders/{tender.id}")  # "No" goes back
    question = asked.text.split('id="question-text">')[1].split("</div>")[0]
    assert "⚠" not in question and "Umut" in question
    assert question.count("<p>") == 2  # the award and who is told: no amount was typed
    assert "question-text" not in declined.text
    assert (await _tender(app, tender.id)).status == TenderStatus.active


async def test_editing_a_published_tender_tells_the_subscribers(app) -> None:
    await create_ngo_member(app, "aigul", await create_ngo(app, "Umut"))
    tender = await create_tender_for(app)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        page = (await client.get(f"/staff/tenders/{tender.id}")).text
        fields = {
            "csrf": csrf,
            "title": "Home care for the elderly of Barpy",
            "description": "Daily visits to twelve elderly people living alone.",
            "category": str(tender.category_id),
            "budget": "180 000",
            "how_to_apply": "Bring the application to room 5.",
            "document_url": "not a link",
        }
        bad = await client.post(f"/staff/tenders/{tender.id}/edit", data=fields)
        fields["document_url"] = "https://barpy.kg/tender.pdf"
        done = await client.post(f"/staff/tenders/{tender.id}/edit", data=fields)
    assert 'value="Home care for the elderly"' in page  # the form starts from the tender
    assert bad.status_code == 422 and 'id="document_url-error"' in bad.text
    assert 'value="Home care for the elderly of Barpy"' in bad.text  # kept
    assert done.status_code == 303
    edited = await _tender(app, tender.id)
    assert edited.title == "Home care for the elderly of Barpy"
    assert str(edited.budget) == "180000.00"
    assert await _releases(app, tender.id) == ["tender", "tenderUpdate"]
    assert len(await alerts(app, "tender_updated")) == 1
