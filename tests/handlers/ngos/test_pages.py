"""The NGO applications pages of the workspace: the same service as the bot's review (the
members told in the outbox, in their language), the same scope (403, recorded), CSRF."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from models import AuditEvent, Organization, OrganizationStatus, OutboxMessage, Person, Role
from tests.factories import ELSEWHERE, create_resident, municipality, t
from tests.tender_factories import create_ngo
from tests.workspace import browser, create_member, sign_in, workspace_app

APPROVED = (
    "Good news: your NGO “{name}” is approved. You can now subscribe to tenders "
    "under “NGOs and tenders” in the menu. Colleagues join with the code {code}."
)
REJECTED = (
    "Your application for the NGO “{name}” was not approved. Reason: {reason}. "
    "You may correct it and apply again."
)


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def _applicant(app, organization: Organization, language: str = "ru") -> Person:
    """The resident who registered `organization` in the bot: its first member."""
    person = await create_resident(app, f"applicant-{organization.id}", language=language)
    async with app.sessions() as session, session.begin():
        (await session.get(Person, person.id)).organization_id = organization.id
    return person


async def _ngo(app, organization_id: int) -> Organization:
    async with app.sessions() as session:
        return await session.get(Organization, organization_id)


async def _told(app, kind: str) -> list[OutboxMessage]:
    async with app.sessions() as session:
        query = select(OutboxMessage).where(OutboxMessage.kind == kind)
        return list((await session.scalars(query.order_by(OutboxMessage.id))).all())


async def test_the_list_shows_the_municipalitys_ngos_waiting_ones_first(app) -> None:
    decided = await create_ngo(app, "Umut")
    waiting = await create_ngo(app, "Nur", status=OrganizationStatus.pending)
    theirs = await create_ngo(app, "Talas Jashtary", (ELSEWHERE,), OrganizationStatus.pending)
    clerk = await create_member(app, "clerk")
    admin = await create_member(app, "admin", role=Role.admin, code=None)
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        page = await client.get("/staff/ngos/")
    async with browser(app) as client:
        await sign_in(client, app, admin)
        everything = await client.get("/staff/ngos/")
    assert page.status_code == 200
    assert 'href="/staff/ngos/"' in page.text and "1 waiting for a decision" in page.text
    assert page.text.index("Nur") < page.text.index("Umut")
    assert "Waiting for review" in page.text and "Approved" in page.text
    assert "Talas Jashtary" not in page.text
    assert f"/staff/ngos/{theirs.id}" in everything.text
    assert f"/staff/ngos/{waiting.id}" in everything.text
    assert f"/staff/ngos/{decided.id}" in everything.text


async def test_admins_keep_to_one_municipality_and_staff_cannot_widen_theirs(app) -> None:
    ours = await create_ngo(app, "Nur", status=OrganizationStatus.pending)
    theirs = await create_ngo(app, "Talas Jashtary", (ELSEWHERE,), OrganizationStatus.pending)
    elsewhere = (await municipality(app, ELSEWHERE)).id
    admin = await create_member(app, "admin", role=Role.admin, code=None)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, admin)
        only_theirs = await client.get(f"/staff/ngos/?municipality={elsewhere}")
        unknown = await client.get("/staff/ngos/?municipality=99999")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        forced = await client.get(f"/staff/ngos/?municipality={elsewhere}")
    assert f"/staff/ngos/{theirs.id}" in only_theirs.text
    assert f"/staff/ngos/{ours.id}" not in only_theirs.text
    assert f'value="{elsewhere}" selected' in only_theirs.text  # the filter shows its choice
    assert f"/staff/ngos/{ours.id}" in unknown.text  # an id that is no municipality: all
    assert f"/staff/ngos/{theirs.id}" in unknown.text
    assert f"/staff/ngos/{ours.id}" in forced.text and "Talas Jashtary" not in forced.text
    assert 'id="municipality"' not in forced.text  # staff have no such filter


async def test_approving_tells_the_members_as_the_bot_does(app) -> None:
    ngo = await create_ngo(app, "Nur", status=OrganizationStatus.pending)
    member = await _applicant(app, ngo, language="ru")
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        before = await client.get(f"/staff/ngos/{ngo.id}")
        done = await client.post(f"/staff/ngos/{ngo.id}/approve", data={"csrf": csrf})
        page = await client.get(done.headers["location"])
        again = await client.post(f"/staff/ngos/{ngo.id}/approve", data={"csrf": csrf})
    assert before.status_code == 200 and "+996555000000" in before.text
    assert done.status_code == 303
    approved = await _ngo(app, ngo.id)
    assert approved.status == OrganizationStatus.approved and approved.join_code
    assert (
        f"“Nur” is approved, and its members have been told. Their join code: {approved.join_code}."
        in page.text
    )
    told = await _told(app, "ngo_approved")
    assert [(m.person_id, m.channel) for m in told] == [(member.id, "sim")]
    assert told[0].body == t("ru", APPROVED, name="Nur", code=approved.join_code)
    assert again.status_code == 409
    assert "Someone has decided on this application already." in again.text
    async with app.sessions() as session:
        assert (await session.get(Person, member.id)).role == Role.ngo_member


async def test_rejecting_needs_a_reason_and_keeps_what_was_typed(app) -> None:
    ngo = await create_ngo(app, "Nur", status=OrganizationStatus.pending)
    member = await _applicant(app, ngo, language="ky")
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        empty = await client.post(f"/staff/ngos/{ngo.id}/reject", data={"csrf": csrf})
        short = await client.post(
            f"/staff/ngos/{ngo.id}/reject", data={"csrf": csrf, "reason": "no"}
        )
        assert (await _ngo(app, ngo.id)).status == OrganizationStatus.pending
        reason = "ИНН не совпадает с уставом"
        done = await client.post(
            f"/staff/ngos/{ngo.id}/reject", data={"csrf": csrf, "reason": reason}
        )
        page = await client.get(done.headers["location"])
    asked = t("ru", "Write the reason for the rejection. The NGO will see it.")
    assert empty.status_code == 422 and f'id="reason-error">{asked}</span>' in empty.text
    assert short.status_code == 422 and ">no</textarea>" in short.text
    assert done.status_code == 303
    assert (
        t("ru", "“{name}” is rejected, and its members have been told the reason.", name="Nur")
        in page.text
    )
    rejected = await _ngo(app, ngo.id)
    assert rejected.status == OrganizationStatus.rejected and rejected.reason == reason
    told = await _told(app, "ngo_rejected")
    assert [m.person_id for m in told] == [member.id]
    assert told[0].body == t("ky", REJECTED, name="Nur", reason=reason)


async def test_a_form_without_its_token_is_refused(app) -> None:
    ngo = await create_ngo(app, "Nur", status=OrganizationStatus.pending)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        forged = await client.post(f"/staff/ngos/{ngo.id}/approve", data={"csrf": "forged"})
    assert forged.status_code == 403 and "This form has expired" in forged.text
    assert (await _ngo(app, ngo.id)).status == OrganizationStatus.pending
    assert await _told(app, "ngo_approved") == []


async def test_staff_of_another_municipality_are_refused_by_any_url(app) -> None:
    theirs = await create_ngo(app, "Talas Jashtary", (ELSEWHERE,), OrganizationStatus.pending)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        answers = [(await client.get(f"/staff/ngos/{theirs.id}")).status_code]
        for action, data in (("approve", {}), ("reject", {"reason": "Not ours at all"})):
            posted = await client.post(
                f"/staff/ngos/{theirs.id}/{action}", data={"csrf": csrf, **data}
            )
            answers.append(posted.status_code)
        missing = await client.get("/staff/ngos/999999")
    assert answers == [403] * 3 and missing.status_code == 404
    assert (await _ngo(app, theirs.id)).status == OrganizationStatus.pending
    async with app.sessions() as session:
        refusals = await session.scalars(
            select(AuditEvent.action).where(
                AuditEvent.person_id == clerk.id, AuditEvent.outcome == "refused"
            )
        )
        assert sorted(refusals.all()) == [
            "approve_organization",
            "open_organization",
            "reject_organization",
        ]
