"""The needs inbox: scope, filters, search, sorting, bulk change with bad input, CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from models import Need, NeedStatus, NeedSupport, OutboxMessage, Role
from tests.factories import ELSEWHERE, create_need, create_resident
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def test_staff_see_their_municipality_and_filter_it(app) -> None:
    resident = await create_resident(app, "res")
    water = await create_need(app, resident, description="The well is dry", category_code="water")
    old = await create_need(app, resident, description="Old lamp", age=timedelta(days=40))
    other = await create_need(app, resident, code=ELSEWHERE, description="Pokrovka road")
    async with app.sessions() as session, session.begin():
        session.add(NeedSupport(need_id=water.id, person_id=None))
        session.add(NeedSupport(need_id=water.id, person_id=None))
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        page = (await client.get("/staff/needs/")).text
        assert water.reference in page and old.reference in page
        assert other.reference not in page  # another municipality's
        found = (await client.get("/staff/needs/", params={"q": "well"})).text
        assert water.reference in found and old.reference not in found
        by_number = (await client.get("/staff/needs/", params={"q": f"n-{old.id}"})).text
        assert old.reference in by_number and water.reference not in by_number
        supported = (await client.get("/staff/needs/", params={"supports": "2"})).text
        assert water.reference in supported and old.reference not in supported
        recent = (await client.get("/staff/needs/", params={"since": "01.01.2020"})).text
        assert old.reference in recent
        sorted_page = (await client.get("/staff/needs/", params={"sort": "supports"})).text
        assert sorted_page.index(water.reference) < sorted_page.index(old.reference)
        oldest = (await client.get("/staff/needs/", params={"order": "asc"})).text
        assert oldest.index(old.reference) < oldest.index(water.reference)
        bad = await client.get("/staff/needs/", params={"since": "yesterday", "supports": "x"})
        assert bad.status_code == 200 and "Write a date like 15.01.2027." in bad.text
        assert "Write a whole number" in bad.text and water.reference in bad.text
        superscript = await client.get("/staff/needs/", params={"supports": "²"})  # a digit, no int
        assert superscript.status_code == 200 and "Write a whole number" in superscript.text
        elsewhere = await client.get(
            "/staff/needs/", params={"municipality": str(other.municipality_id)}
        )
        assert other.reference not in elsewhere.text  # staff cannot widen their scope
        assert (await client.get(f"/staff/needs/{other.id}")).status_code == 403


async def test_admins_see_every_municipality_or_one(app) -> None:
    resident = await create_resident(app, "res")
    home = await create_need(app, resident)
    other = await create_need(app, resident, code=ELSEWHERE)
    admin = await create_member(app, "admin", role=Role.admin, code=None)
    async with browser(app) as client:
        await sign_in(client, app, admin)
        page = (await client.get("/staff/needs/")).text
        assert home.reference in page and other.reference in page
        one = (
            await client.get("/staff/needs/", params={"municipality": other.municipality_id})
        ).text
    assert other.reference in one and home.reference not in one


async def test_bulk_change_tells_every_reporter(app) -> None:
    people = [await create_resident(app, f"res{i}") for i in range(3)]
    needs = [await create_need(app, person) for person in people]
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        done = await client.post(
            "/staff/needs/bulk",
            data={
                "csrf": csrf,
                "need": [str(n.id) for n in needs],
                "status": "in_progress",
                "comment": "Crews go on Monday",
                "next": "/staff/needs/?status=all",
            },
        )
        assert done.status_code == 303 and done.headers["location"] == "/staff/needs/?status=all"
        page = (await client.get(done.headers["location"])).text
    assert "3 reports are now “in progress”" in page
    async with app.sessions() as session:
        statuses = (await session.scalars(select(Need.status))).all()
        told = (await session.scalars(select(OutboxMessage.body))).all()
    assert statuses == [NeedStatus.in_progress] * 3
    assert len(told) == 3 and all("Crews go on Monday" in body for body in told)


async def test_bulk_change_refuses_bad_input_and_keeps_it(app) -> None:
    resident = await create_resident(app, "res")
    need = await create_need(app, resident)
    other = await create_need(app, resident, code=ELSEWHERE)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        nothing = await client.post(
            "/staff/needs/bulk", data={"csrf": csrf, "status": "resolved", "comment": "Done"}
        )
        assert nothing.status_code == 422 and "Tick at least one report." in nothing.text
        assert 'value="Done"' in nothing.text
        reasonless = await client.post(
            "/staff/needs/bulk", data={"csrf": csrf, "need": str(need.id), "status": "rejected"}
        )
        assert reasonless.status_code == 422 and "A rejection needs a reason" in reasonless.text
        assert (
            f'value="{need.id}" id="need-{need.id}" aria-label="{need.reference}" checked'
            in reasonless.text
        )
        unknown = await client.post(
            "/staff/needs/bulk", data={"csrf": csrf, "need": str(need.id), "status": "new"}
        )
        assert unknown.status_code == 422 and "Choose the new status." in unknown.text
        mixed = await client.post(
            "/staff/needs/bulk",
            data={"csrf": csrf, "need": [str(need.id), str(other.id)], "status": "resolved"},
        )
        assert mixed.status_code == 403
        forged = await client.post(
            "/staff/needs/bulk", data={"need": str(need.id), "status": "resolved"}
        )
        assert forged.status_code == 403
    async with app.sessions() as session:
        assert set((await session.scalars(select(Need.status))).all()) == {NeedStatus.new}


async def test_csv_export_follows_the_filter_and_the_moderation(app) -> None:
    resident = await create_resident(app, "res")
    need = await create_need(app, resident, description="=HYPERLINK(call 0555 123 456)")
    await create_need(app, resident, code=ELSEWHERE, description="Not ours")
    async with app.sessions() as session, session.begin():
        session.add(NeedSupport(need_id=need.id, person_id=None))
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        export = await client.get("/staff/needs/export.csv", params={"status": "all"})
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    assert "attachment" in export.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert [r["reference"] for r in rows] == [need.reference]
    assert rows[0]["supports"] == "1" and rows[0]["status"] == "новое"
    assert rows[0]["description"] == "'=HYPERLINK(call ***)"
