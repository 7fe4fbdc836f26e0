"""Reports over SMS: the summary as text, with two signed links that expire; opening a link
makes the file again, for as long as the asker may still see it."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import httpx
import pytest
from openpyxl import load_workbook
from sqlalchemy import select, update

from bot.channels.sms import SMS
from bot.conversation.messages import Inbound
from bot.http import create_http_app
from handlers.reports.kinds import ReportKind
from handlers.reports.links import Grant, link_key, sign, verify
from handlers.reports.report import ReportRequest
from models import Address, AuditEvent, ConsentStatus, Person, Role
from models.base import utcnow
from tests.conftest import clear, make_app
from tests.handlers.reports.world import MARCH, create_world

PUBLIC = "https://kenesh.example"
STAFF_PHONE = "+996555777001"
SECRET = "a-secret-key-of-kenesh-own-32-chars-or-more"


@pytest.fixture
async def sms_app(database):
    await clear(database)
    return make_app(
        database, public_url=PUBLIC, twilio_auth_token="twilio-secret", secret_key=SECRET
    )


async def sms_staff(app, municipality_id: int) -> int:
    async with app.sessions() as session, session.begin():
        person = Person(
            language="en",
            municipality_id=municipality_id,
            consent=ConsentStatus.given,
            role=Role.staff,
            staff_municipality_id=municipality_id,
        )
        session.add(person)
        await session.flush()
        session.add(Address(person_id=person.id, channel=SMS.code, value=STAFF_PHONE))
        return person.id


async def texts(app, *lines: str) -> str:
    """Send each line by SMS; the replies to the last one."""
    replies = []
    for line in lines:
        message = Inbound(SMS.code, STAFF_PHONE, text=line)
        replies = await app.conversation.handle(message, SMS.capabilities)
    return "\n\n".join(r.text for r in replies)


async def fetch(app, path: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_http_app(app))
    async with httpx.AsyncClient(transport=transport, base_url=PUBLIC) as client:
        return await client.get(path)


async def test_sms_staff_get_the_summary_and_two_links(sms_app) -> None:
    world = await create_world(sms_app)
    staff_id = await sms_staff(sms_app, world.home_id)
    screen = await texts(
        sms_app,
        "hi",
        "Reports (staff)",
        "Needs by category and status",
        "Other dates",
        "2026-03-01",
        "2026-03-31",
    )
    assert "Barpy ayil aimak, 01/03/2026 – 31/03/2026: 6 needs reported, 4 supports." in screen
    chart = next(w for w in screen.split() if w.endswith(".png"))
    table = next(w for w in screen.split() if w.endswith(".xlsx"))
    assert chart.startswith(f"{PUBLIC}/reports/") and len(chart) < 100
    assert table == chart.removesuffix(".png") + ".xlsx"

    picture = await fetch(sms_app, chart.removeprefix(PUBLIC))
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    assert picture.content.startswith(b"\x89PNG\r\n\x1a\n")
    spreadsheet = await fetch(sms_app, table.removeprefix(PUBLIC))
    assert spreadsheet.status_code == 200
    assert "kenesh-needs-2026-03-01_2026-03-31.xlsx" in spreadsheet.headers["content-disposition"]
    rows = list(load_workbook(BytesIO(spreadsheet.content)).worksheets[0].values)
    assert rows[-1] == ("Total", 2, 1, 1, 1, 1, 6, 4)

    # a staff member who lost the role can no longer open it; the refusal is audited
    async with sms_app.sessions() as session, session.begin():
        await session.execute(
            update(Person).where(Person.id == staff_id).values(role=Role.resident)
        )
    assert (await fetch(sms_app, chart.removeprefix(PUBLIC))).status_code == 403
    async with sms_app.sessions() as session:
        event = await session.scalar(select(AuditEvent).where(AuditEvent.person_id == staff_id))
    assert (event.action, event.outcome) == ("report:needs", "refused")


async def test_forged_damaged_or_old_links_open_nothing(sms_app) -> None:
    world = await create_world(sms_app)
    key = link_key(sms_app.settings)
    request = ReportRequest(ReportKind.needs, MARCH, world.elsewhere_id)
    grant = Grant(request, world.home_staff_id, "ru")
    token = sign(key, grant, utcnow() + timedelta(hours=1))
    assert verify(key, token, "Asia/Bishkek") == grant
    assert verify(b"another key", token, "Asia/Bishkek") is None
    assert verify(key, token, "Asia/Bishkek", now=utcnow() + timedelta(hours=2)) is None
    forged = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    for path in (f"/reports/{forged}.png", f"/reports/{token}.pdf", "/reports/nonsense.xlsx"):
        assert (await fetch(sms_app, path)).status_code == 404, path
    old = sign(key, grant, utcnow() - timedelta(seconds=1))
    assert (await fetch(sms_app, f"/reports/{old}.png")).status_code == 404
    # a valid link for another municipality's figures still gets the scope check: refused
    assert (await fetch(sms_app, f"/reports/{token}.png")).status_code == 403


async def needs_report_link(app) -> str:
    """The chart link an SMS staff member of the home municipality gets for March."""
    world = await create_world(app)
    await sms_staff(app, world.home_id)
    screen = await texts(
        app, "hi", "Reports (staff)", "Needs by category and status", "Other dates",
        "2026-03-01", "2026-03-31",
    )  # fmt: skip
    return next(w for w in screen.split() if w.endswith(".png")).removeprefix(PUBLIC)


async def test_links_outlive_new_twilio_credentials_but_not_a_new_secret_key(
    database, sms_app
) -> None:
    chart = await needs_report_link(sms_app)
    rotated = make_app(
        database, public_url=PUBLIC, twilio_auth_token="rotated-token", secret_key=SECRET
    )
    assert (await fetch(rotated, chart)).status_code == 200
    without_sms = make_app(database, public_url=PUBLIC, secret_key=SECRET)
    assert (await fetch(without_sms, chart)).status_code == 200
    new_key = make_app(
        database, public_url=PUBLIC, twilio_auth_token="twilio-secret", secret_key="n" * 32
    )
    assert (await fetch(new_key, chart)).status_code == 404


async def test_without_a_public_address_there_are_no_links(database) -> None:
    await clear(database)
    app = make_app(database, twilio_auth_token="twilio-secret", secret_key=SECRET)
    world = await create_world(app)
    await sms_staff(app, world.home_id)
    screen = await texts(
        app,
        "hi",
        "Reports (staff)",
        "Tenders and their outcomes",
        "Other dates",
        "2026-03-01",
        "2026-03-31",
    )
    assert "4 tenders with a budget of 180,000.25 som" in screen
    assert "/reports/" not in screen
    assert (await fetch(app, "/reports/anything.png")).status_code == 404
