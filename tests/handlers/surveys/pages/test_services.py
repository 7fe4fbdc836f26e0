"""The services pages of the workspace: the municipality's services with their beneficiaries,
registering one, and a CSV of phone numbers uploaded in the encodings and separators Excel
writes, reported line by line; the same scope as the bot (403, recorded) and CSRF."""

from __future__ import annotations

import codecs
import re

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from handlers.surveys.services import service_for_staff
from models import Address, AuditEvent, Beneficiary, Person, Role, Service
from tests.factories import ELSEWHERE, t
from tests.handlers.surveys.test_services import create_awarded_tender, create_delivered_service
from tests.workspace import browser, create_member, sign_in, workspace_app


@pytest.fixture
async def app(database):
    return await workspace_app(database)


async def _enrolled(app, service: Service) -> int:
    async with app.sessions() as session:
        query = select(func.count()).select_from(Beneficiary)
        return await session.scalar(query.where(Beneficiary.service_id == service.id))


async def _upload(client, service: Service, csrf: str, body: bytes, name: str = "list.csv"):
    return await client.post(
        f"/staff/services/{service.id}/beneficiaries",
        data={"csrf": csrf},
        files={"file": (name, body, "text/csv")},
    )


def _lines(html: str) -> list[tuple[str, str, str]]:
    """The report's rows: line number, phone (partly hidden) or text, result."""
    report = html.split('id="report"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r"<tr class=\"line-\w+\">(.*?)</tr>", report, re.S)
    cells = [re.findall(r"<td[^>]*>(.*?)</td>", row, re.S) for row in rows]
    return [tuple(re.sub(r"<[^>]+>", "", c).strip() for c in row) for row in cells]


async def test_the_list_shows_the_municipalitys_services_with_their_beneficiaries(app) -> None:
    home = await create_delivered_service(app, title="Home visits")
    theirs = await create_delivered_service(app, ELSEWHERE, title="Care in Pokrovka")
    clerk = await create_member(app, "clerk")
    admin = await create_member(app, "admin", role=Role.admin, code=None)
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        await _upload(client, home, csrf, b"0555 100 200\n0700 123 456\n")
        page = await client.get("/staff/services/")
    async with browser(app) as client:
        await sign_in(client, app, admin)
        everything = await client.get("/staff/services/")
    assert page.status_code == 200
    row = page.text.split(f'href="/staff/services/{home.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Home visits" in row and "Umut" in row and "Support for the elderly" in row
    assert re.search(r"<td>2</td>\s*$", row)  # beneficiaries
    assert "Care in Pokrovka" not in page.text
    assert f"/staff/services/{theirs.id}" in everything.text


async def test_another_municipalitys_service_is_refused_and_recorded(app) -> None:
    theirs = await create_delivered_service(app, ELSEWHERE)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        page = await client.get(f"/staff/services/{theirs.id}")
        upload = await _upload(client, theirs, csrf, b"0555 100 200\n")
        builder = await client.get(f"/staff/services/{theirs.id}/surveys/new")
        missing = await client.get("/staff/services/9999")
    assert page.status_code == upload.status_code == builder.status_code == 403
    assert "This is not in your municipality" in page.text
    assert missing.status_code == 404 and "There is no such service" in missing.text
    assert await _enrolled(app, theirs) == 0
    async with app.sessions() as session:
        refused = await session.scalars(
            select(AuditEvent.detail).where(
                AuditEvent.person_id == clerk.id, AuditEvent.outcome == "refused"
            )
        )
        details = {detail.split(" page=")[0] for detail in refused.all()}
    assert details == {f"service={theirs.id}"}


async def test_a_form_without_its_token_changes_nothing(app) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        upload = await _upload(client, service, "forged", b"0555 100 200\n")
        new = await client.post("/staff/services/new", data={"tender": "1", "csrf": ""})
    assert upload.status_code == new.status_code == 403
    assert "This form has expired" in upload.text
    assert await _enrolled(app, service) == 0


async def test_registering_a_service_under_an_awarded_tender(app) -> None:
    home = await create_awarded_tender(app, title="Home care for the elderly")
    theirs = await create_awarded_tender(app, ELSEWHERE, title="Care in Pokrovka")
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        form = await client.get("/staff/services/new")
        other = await client.post(
            "/staff/services/new", data={"csrf": csrf, "tender": str(theirs.id), "title": "Мой"}
        )
        done = await client.post(
            "/staff/services/new",
            data={"csrf": csrf, "tender": str(home.id), "title": "Посещения на дому"},
        )
        page = await client.get(done.headers["location"])
    assert "Care in Pokrovka" not in form.text and "Home care for the elderly" in form.text
    assert other.status_code == 422
    assert t("ru", "Choose an awarded tender from the list.") in other.text
    assert 'value="Мой"' in other.text  # what was typed is kept
    assert done.status_code == 303
    async with app.sessions() as session:
        service = await session.scalar(select(Service))
    assert service.title == "Посещения на дому" and service.municipality_id == home.municipality_id
    assert (
        t("ru", "Service #{id} is registered. Its join code is {code}.", id=service.id,
          code=service.join_code)
        in page.text
    )  # fmt: skip


async def test_every_line_of_an_uploaded_list_is_reported(app) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk")
    body = (
        b"phone,language\n"
        b"0555 100 200,ru\n"
        b"12345\n"
        b"+996 700 123 456\n"
        b"996555100200\n"  # the second line's number again
        b"0770 555 666,ru,Aida\n"
        b"0770 555 667,kg\n"
        b"\n"
    )
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        page = await _upload(client, service, csrf, body)
        again = await _upload(client, service, csrf, b"+996555100200\n")
    assert page.status_code == 200
    assert "Added: 2. Already enrolled: 0. Repeated in the list: 1." in page.text
    assert "3 lines were refused" in page.text
    assert _lines(page.text) == [
        ("1", "phone", "Column names: skipped"),
        ("2", "+996 *** *** 200", "Enrolled"),
        ("3", "12345", "Refused Not a phone number. Write it like 0555 123 456 or +996 555 123 456."),
        ("4", "+996 *** *** 456", "Enrolled"),
        ("5", "+996 *** *** 200", "The same number as an earlier line: counted once"),
        ("6", "+996 *** *** 666", "Refused Too many columns: only the phone number and, if you like, the language."),
        ("7", "+996 *** *** 667", "Refused The language must be ky, ru, uz or en (or left empty)."),
    ]  # fmt: skip
    assert "555 100 200" not in page.text and "+996555100200" not in page.text
    assert _lines(again.text) == [("1", "+996 *** *** 200", "Already enrolled: nothing changed")]
    assert await _enrolled(app, service) == 2
    async with app.sessions() as session:
        newcomer = await session.scalar(
            select(Person).join(Address).where(Address.value == "+996555100200")
        )
        assert newcomer.language == "ru"
        recorded = await session.scalar(
            select(AuditEvent.detail).where(AuditEvent.action == "enrol_beneficiaries")
        )
    assert recorded.startswith(f"service={service.id} added=2 refused=3")


@pytest.mark.parametrize(
    "body",
    [
        codecs.BOM_UTF8 + "Телефон;Язык\r\n0555 100 200;ky\r\n0700 123 456;ru\r\n".encode(),
        "Телефон;Язык\r\n0555 100 200;ky\r\n0700 123 456;ru\r\n".encode("cp1251"),
        "Телефон\tЯзык\r\n0555 100 200\tky\r\n0700 123 456\tru\r\n".encode("utf-16"),
        b'"phone","language"\r\n"0555 100 200","ky"\r\n"0700 123 456",ru\r\n',
    ],
    ids=["utf-8 with BOM", "windows-1251 from excel", "utf-16 unicode text", "quoted"],
)
async def test_excel_files_in_every_encoding_and_separator_are_read(app, body: bytes) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        page = await _upload(client, service, csrf, body)
    assert page.status_code == 200
    lines = _lines(page.text)
    assert [line[0] for line in lines] == ["1", "2", "3"]
    assert lines[1] == ("2", "+996 *** *** 200", t("ru", "Enrolled"))
    assert lines[2][2] == t("ru", "Enrolled")
    assert await _enrolled(app, service) == 2
    async with app.sessions() as session:
        person = await session.scalar(
            select(Person).join(Address).where(Address.value == "+996555100200")
        )
        assert person.language == "ky"


@pytest.mark.parametrize(
    ("body", "name", "said"),
    [
        (b"", "list.csv", "The file is empty. Choose the CSV file with the phone numbers."),
        (
            b"PK\x03\x04\x14\x00\x06\x00" + bytes(200),
            "list.xlsx",
            "This is an Excel workbook. In Excel choose “Save as”, then “CSV”, and upload that file.",
        ),
        (
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            "photo.csv",
            "This file cannot be read as text. Save it from Excel as “CSV” or “CSV UTF-8”.",
        ),
        (
            b"0555100200\n" * 50_000,
            "big.csv",
            "The file is too large: at most 512 KB, some 30,000 lines.",
        ),
    ],
    ids=["empty", "workbook", "binary", "too big"],
)
async def test_a_file_that_is_no_list_enrols_nobody(app, body: bytes, name: str, said) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk", language="ky")
    async with browser(app, language="ky") as client:
        csrf = await sign_in(client, app, clerk)
        page = await _upload(client, service, csrf, body, name)
        nothing = await client.post(
            f"/staff/services/{service.id}/beneficiaries", data={"csrf": csrf}
        )
    assert page.status_code == 422
    assert f'id="file-error">{escape(t("ky", said))}</span>' in page.text
    assert nothing.status_code == 422
    assert t("ky", "Choose the CSV file with the phone numbers.") in nothing.text
    assert await _enrolled(app, service) == 0


async def test_the_template_opens_in_excel_in_the_readers_language(app) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        template = await client.get("/staff/services/template.csv")
        filled = template.content + b"0555 100 200;ru\r\n"
        page = await _upload(client, service, csrf, filled)
    assert template.headers["content-disposition"].startswith("attachment")
    assert template.content.startswith(codecs.BOM_UTF8)
    header = template.content.decode("utf-8-sig").strip()
    assert header == f"{t('ru', 'Phone')};{t('ru', 'Language')}"
    assert [line[2] for line in _lines(page.text)] == [
        t("ru", "Column names: skipped"),
        t("ru", "Enrolled"),
    ]


async def test_the_service_page_hides_the_beneficiaries_phones(app) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        await _upload(client, service, csrf, b"0555 100 200\n")
        page = await client.get(f"/staff/services/{service.id}")
    assert page.status_code == 200
    assert "+996 *** *** 200" in page.text and "100 200" not in page.text
    assert service.join_code in page.text and "Umut" in page.text
    async with app.sessions() as session:
        assert (await service_for_staff(session, None, service.id)).id == service.id
