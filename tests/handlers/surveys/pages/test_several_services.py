"""One list for several services on the services page: each line names its service by join
code, in any spelling; a code of no service of the clerk's municipality refuses its line (and
another municipality's is recorded), the rest is read as a service's own list."""

from __future__ import annotations

import codecs

import pytest
from sqlalchemy import select

from models import AuditEvent, Beneficiary
from tests.factories import ELSEWHERE, t
from tests.handlers.surveys.pages.test_services import _lines
from tests.handlers.surveys.test_services import create_delivered_service
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def test_each_line_goes_to_the_service_its_code_names(app) -> None:
    visits = await create_delivered_service(app, title="Home visits")
    meals = await create_delivered_service(app, title="Hot meals")
    theirs = await create_delivered_service(app, ELSEWHERE, title="Care in Pokrovka")
    clerk = await create_member(app, "clerk", language="ru")
    spaced = f"{visits.join_code[:3].lower()} {visits.join_code[3:]}"
    body = (
        "Код услуги;Телефон;Язык\r\n"
        f"{spaced};0555 100 200;ky\r\n"
        f"{meals.join_code};0555 100 200\r\n"  # the same person, another service
        f"{visits.join_code};0555100200\r\n"
        f"{theirs.join_code};0700 123 456\r\n"
        "ZZZZZZ;0700 123 456\r\n"
        f"{visits.join_code};12345\r\n"
    ).encode("cp1251")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        page = await client.post(
            "/staff/services/beneficiaries",
            data={"csrf": csrf},
            files={"file": ("list.csv", body, "text/csv")},
        )
        template = await client.get("/staff/services/template.csv?columns=service")
        forged = await client.post(
            "/staff/services/beneficiaries",
            data={"csrf": "forged"},
            files={"file": ("list.csv", body, "text/csv")},
        )
    assert page.status_code == 200 and forged.status_code == 403
    unknown = t(
        "ru", "No service of your municipality has this join code. Copy it from the service's page."
    )
    assert _lines(page.text) == [
        ("1", "—", "Код услуги", t("ru", "Column names: skipped")),
        ("2", f"#{visits.id} · Home visits", "+996 *** *** 200", t("ru", "Enrolled")),
        ("3", f"#{meals.id} · Hot meals", "+996 *** *** 200", t("ru", "Enrolled")),
        ("4", f"#{visits.id} · Home visits", "+996 *** *** 200",
         t("ru", "The same number as an earlier line: counted once")),
        ("5", theirs.join_code, "—", f"{t('ru', 'Refused')} {unknown}"),
        ("6", "ZZZZZZ", "—", f"{t('ru', 'Refused')} {unknown}"),
        ("7", f"#{visits.id} · Home visits", "12345",
         f"{t('ru', 'Refused')} {t('ru', 'Not a phone number. Write it like 0555 123 456 or +996 555 123 456.')}"),
    ]  # fmt: skip
    async with app.sessions() as session:
        enrolled = await session.scalars(select(Beneficiary.service_id).order_by(Beneficiary.id))
        assert enrolled.all() == [visits.id, meals.id]
        refused = await session.scalar(
            select(AuditEvent.detail).where(
                AuditEvent.action == "open_service", AuditEvent.outcome == "refused"
            )
        )
    assert refused.startswith(f"service={theirs.id}")
    header = template.content.decode("utf-8-sig").strip()
    assert template.content.startswith(codecs.BOM_UTF8)
    assert header == ";".join(
        t("ru", text) for text in ("Service's join code", "Phone", "Language")
    )


async def test_a_file_that_is_no_list_is_refused_next_to_the_field(app) -> None:
    await create_delivered_service(app)
    clerk = await create_member(app, "clerk", language="uz")
    async with browser(app, language="uz") as client:
        csrf = await sign_in(client, app, clerk)
        page = await client.post(
            "/staff/services/beneficiaries",
            data={"csrf": csrf},
            files={"file": ("book.xlsx", b"PK\x03\x04" + bytes(64), "application/octet-stream")},
        )
    said = t(
        "uz",
        "This is an Excel workbook. In Excel choose “Save as”, then “CSV”, and upload that file.",
    )
    assert page.status_code == 422 and f'id="file-error">{said}</span>' in page.text
