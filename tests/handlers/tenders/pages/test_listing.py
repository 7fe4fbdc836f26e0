"""The tenders list and a new draft on the web: scope, CSRF, and every field's bad input."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from models import AuditEvent, Category, Role, Tender, TenderStatus
from models.base import utcnow
from tests.factories import ELSEWHERE, municipality
from tests.tender_factories import create_tender_for
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def _sector(app) -> str:
    async with app.sessions() as session:
        return str(await session.scalar(select(Category.id).where(Category.code == "elderly")))


def _form(csrf: str, sector: str, **changes: str) -> dict[str, str]:
    fields = {
        "csrf": csrf,
        "title": "Home care for the elderly",
        "description": "Daily visits to twelve elderly people living alone.",
        "category": sector,
        "budget": "150 000",
        "deadline": (utcnow() + timedelta(days=20)).strftime("%d.%m.%Y 18:00"),
        "how_to_apply": "Bring the application to room 5.",
        "document_url": "",
    }
    return fields | changes


async def test_the_list_shows_only_the_municipality_s_tenders(app) -> None:
    ours = await create_tender_for(app, title="Home care in Barpy")
    theirs = await create_tender_for(app, code=ELSEWHERE, title="Meals in Pokrovka")
    clerk = await create_member(app, "clerk")
    admin = await create_member(app, "boss", role=Role.admin, code=None)
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        start = await client.get("/staff/", follow_redirects=True)
        page = (await client.get("/staff/tenders/")).text
    assert 'href="/staff/tenders/"' in start.text and ">Tenders<" in start.text  # the nav link
    assert ours.reference in page and "Home care in Barpy" in page
    assert theirs.reference not in page and "Pokrovka" not in page
    async with browser(app) as client:
        await sign_in(client, app, admin)
        page = (await client.get("/staff/tenders/")).text
    assert ours.reference in page and theirs.reference in page


async def test_the_list_filters_by_status_sector_and_text_and_staff_keep_to_their_own(app) -> None:
    care = await create_tender_for(app, title="Home care in Barpy")
    draft = await create_tender_for(app, title="Repair of the sports hall", published=False)
    school = await create_tender_for(app, sector="education", title="School heating")
    theirs = await create_tender_for(app, code=ELSEWHERE, title="Meals in Pokrovka")
    clerk = await create_member(app, "clerk")
    admin = await create_member(app, "boss", role=Role.admin, code=None)
    elsewhere = str((await municipality(app, ELSEWHERE)).id)
    async with app.sessions() as session:
        sector = await session.scalar(select(Category.id).where(Category.code == "education"))

    def listed(page: str) -> set[str]:
        return {t.reference for t in (care, draft, school, theirs) if t.reference in page}

    async with browser(app) as client:
        await sign_in(client, app, clerk)
        drafts = (await client.get("/staff/tenders/?status=draft")).text
        schools = (await client.get(f"/staff/tenders/?category={sector}")).text
        text = (await client.get("/staff/tenders/?q=home+CARE")).text
        number = (await client.get(f"/staff/tenders/?q=t-{school.id}")).text
        forced = (await client.get(f"/staff/tenders/?municipality={elsewhere}")).text
        bad = await client.get("/staff/tenders/?status=nonsense&q=heating")
        none = (await client.get("/staff/tenders/?q=nothing+like+it")).text
    assert listed(drafts) == {draft.reference}
    assert listed(schools) == {school.reference}
    assert listed(text) == {care.reference}
    assert listed(number) == {school.reference}
    assert listed(forced) == {care.reference, draft.reference, school.reference}  # never B's
    assert bad.status_code == 200 and 'id="status-error"' in bad.text
    assert listed(bad.text) == {school.reference}  # the rest of the filter still applies
    assert 'value="heating"' in bad.text  # what was typed is kept
    assert "No tender matches" in none
    async with browser(app) as client:
        await sign_in(client, app, admin)
        only_theirs = (await client.get(f"/staff/tenders/?municipality={elsewhere}")).text
    assert listed(only_theirs) == {theirs.reference}


async def test_the_list_goes_by_pages_of_fifty(app) -> None:
    made = [await create_tender_for(app, title=f"Tender {i}", published=False) for i in range(52)]
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        first = (await client.get("/staff/tenders/?status=draft")).text
        second = (await client.get("/staff/tenders/?status=draft&page=2")).text
        beyond = await client.get("/staff/tenders/?page=abc")
    assert "52 tenders" in first and "Page 1 of 2" in first
    assert made[-1].reference in first and made[1].reference not in first  # newest first
    assert "page=2" in first and "status=draft" in first.split("page=2")[0].rsplit('"', 1)[-1]
    assert {made[0].reference, made[1].reference} <= {
        t.reference for t in made if t.reference in second
    }
    assert made[-1].reference not in second and "Page 2 of 2" in second
    assert beyond.status_code == 200 and "Page 1 of 2" in beyond.text


async def test_a_draft_is_saved_from_the_form(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        saved = await client.post("/staff/tenders/new", data=_form(csrf, await _sector(app)))
        assert saved.status_code == 303
        page = await client.get(saved.headers["location"])
    assert "is saved as a draft" in page.text and "Home care for the elderly" in page.text
    async with app.sessions() as session:
        tender = await session.scalar(select(Tender))
    home = await municipality(app, "JA-SUZAK-BARPY")
    assert tender.status == TenderStatus.draft and tender.municipality_id == home.id
    assert str(tender.budget) == "150000.00" and tender.created_by_id == clerk.id


async def test_bad_input_is_said_next_to_the_field_and_nothing_typed_is_lost(app) -> None:
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        sector = await _sector(app)
        past = await client.post(
            "/staff/tenders/new", data=_form(csrf, sector, deadline="01.01.2020 10:00")
        )
        untitled = await client.post(
            "/staff/tenders/new", data=_form(csrf, sector, title="", budget="сто тысяч")
        )
        badly_dated = await client.post(
            "/staff/tenders/new", data=_form(csrf, sector, deadline="31.02.2027 10:00")
        )
        undated = await client.post(
            "/staff/tenders/new", data=_form(csrf, sector, deadline="2027 февраль")
        )
    for page in (past, untitled, badly_dated, undated):
        assert page.status_code == 422
        assert "Daily visits to twelve elderly people living alone." in page.text  # kept
    assert 'id="deadline-error">Срок уже прошёл' in past.text  # in Russian, next to the field
    assert 'id="title-error"' in untitled.text and 'id="budget-error"' in untitled.text
    assert 'value="сто тысяч"' in untitled.text
    assert (
        'id="deadline-error"' in badly_dated.text and 'value="31.02.2027 10:00"' in badly_dated.text
    )
    assert 'id="deadline-error"' in undated.text
    async with app.sessions() as session:
        assert await session.scalar(select(func.count(Tender.id))) == 0


async def test_a_form_without_its_csrf_token_is_refused(app) -> None:
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        forged = await client.post("/staff/tenders/new", data=_form("forged", await _sector(app)))
    assert forged.status_code == 403 and "This form has expired" in forged.text
    async with app.sessions() as session:
        assert await session.scalar(select(func.count(Tender.id))) == 0
        refusals = await session.scalar(
            select(func.count(AuditEvent.id)).where(AuditEvent.action == "web_csrf")
        )
    assert refusals == 1
