"""Services under awarded tenders, scoped to staff; beneficiaries from a CSV and by join code.

The `create_*` helpers here are shared by the survey tests."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.audit import PermissionDenied
from handlers.surveys.enrol_lists import enrol_phones
from handlers.surveys.services import (
    ServiceError,
    create_service,
    enrol,
    join_service,
    normalize_join_code,
)
from handlers.surveys.surveys import QuestionDraft, SurveyDraft, create_survey
from models import (
    Address,
    AuditEvent,
    Beneficiary,
    Organization,
    OrganizationStatus,
    Person,
    QuestionKind,
    Service,
    Survey,
    Tender,
    TenderStatus,
)
from models.base import utcnow
from tests.factories import ELSEWHERE, HOME, category, create_resident, municipality

_inns = itertools.count(10000000000001)


async def create_awarded_tender(
    app: App, code: str = HOME, title: str = "Home care for the elderly", ngo: str = "Umut"
) -> Tender:
    """An NGO and a tender of municipality `code` awarded to it."""
    place = await municipality(app, code)
    kind = await category(app, "elderly")
    async with app.sessions() as session, session.begin():
        winner = Organization(
            name=ngo,
            inn=str(next(_inns)),
            contact_name="Aida",
            contact_phone="+996555000111",
            status=OrganizationStatus.approved,
        )
        session.add(winner)
        await session.flush()
        tender = Tender(
            municipality_id=place.id,
            category_id=kind.id,
            title=title,
            description="Visits twice a week",
            budget=Decimal("150000"),
            deadline=utcnow() - timedelta(days=10),
            how_to_apply="At the ayil okmotu",
            status=TenderStatus.awarded,
            awarded_organization_id=winner.id,
            awarded_at=utcnow() - timedelta(days=5),
        )
        session.add(tender)
    return tender


async def create_delivered_service(app: App, code: str = HOME, title: str = "Home care") -> Service:
    """A service under a fresh awarded tender of `code`, made by an operator."""
    tender = await create_awarded_tender(app, code)
    async with app.sessions() as session, session.begin():
        return await create_service(session, None, tender.id, title)


QUESTIONS = [
    QuestionDraft(QuestionKind.rating, {"en": "How good was the care?", "ru": "Как уход?"}),
    QuestionDraft(QuestionKind.yes_no, {"en": "Did they come on time?"}),
    QuestionDraft(
        QuestionKind.choice,
        {"en": "What helped most?"},
        {"en": ["Meals", "Cleaning", "Company"], "ru": ["Еда", "Уборка", "Общение"]},
    ),
    QuestionDraft(QuestionKind.text, {"en": "Anything to add?"}),
]


async def create_feedback_survey(
    app: App,
    service: Service,
    send_at: datetime | None = None,
    remind_at: datetime | None = None,
    questions: list[QuestionDraft] | None = None,
) -> Survey:
    """A survey of four questions (one of each kind) about `service`, made by an operator."""
    draft = SurveyDraft({"en": "Home care", "ky": "Үйдөгү кам көрүү"}, questions or QUESTIONS)
    async with app.sessions() as session, session.begin():
        return await create_survey(session, None, service.id, draft, send_at, remind_at)


async def create_beneficiary(
    app: App, service: Service, address: str, language: str = "en"
) -> Person:
    """A resident of the simulator enrolled in `service`."""
    person = await create_resident(app, address, language=language)
    async with app.sessions() as session, session.begin():
        await enrol(session, service, person, "code")
    return person


async def staff_of(app: App, code: str = HOME) -> Person:
    from tests.factories import create_staff

    chat = await create_staff(app, f"staff-{code}")
    return await chat.person()


async def test_staff_register_services_only_under_their_municipalitys_awarded_tenders(app) -> None:
    home, away = await create_awarded_tender(app), await create_awarded_tender(app, ELSEWHERE)
    officer = await staff_of(app)
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, officer.id)
        service = await create_service(session, person, home.id, "  Home   care ")
    assert (service.title, service.organization_id) == ("Home care", home.awarded_organization_id)
    assert normalize_join_code(service.join_code.lower()) == service.join_code

    async with app.sessions() as session, session.begin():  # refused, and the refusal kept
        with pytest.raises(PermissionDenied):
            await create_service(session, await session.get(Person, officer.id), away.id, "x")
    async with app.sessions() as session, session.begin():
        refused = await session.scalar(
            select(AuditEvent).where(
                AuditEvent.action == "create_service", AuditEvent.outcome == "refused"
            )
        )
        assert refused is not None and refused.detail == f"tender={away.id}"
        draft = SurveyDraft({"en": "T"}, QUESTIONS[:1])
        with pytest.raises(PermissionDenied):
            other = await create_service(session, None, away.id, "Elsewhere")
            await create_survey(session, await session.get(Person, officer.id), other.id, draft)

    async with app.sessions() as session, session.begin():  # a tender not awarded: no service
        tender = await session.get(Tender, home.id)
        tender.status = TenderStatus.active
    with pytest.raises(ServiceError):
        async with app.sessions() as session, session.begin():
            await create_service(session, None, home.id, "Too early")


async def test_csv_enrolment_reports_bad_lines_ignores_repeats_and_creates_sms_people(app) -> None:
    service = await create_delivered_service(app)
    known = await create_resident(app, "known")
    async with app.sessions() as session, session.begin():
        session.add(Address(person_id=known.id, channel="sms", value="+996555100200"))
    lines = [
        "phone,language",
        "0555 100 200",  # the known resident's phone
        "+996 700 123 456,ru",  # nobody yet: a new person with an SMS address, in Russian
        "",
        "12345",
        "996700123456",  # the same number again, written differently
        "not a number,ky",
        "0770 555 666;uz",  # a semicolon is not a CSV separator: the whole cell is refused
    ]
    async with app.sessions() as session, session.begin():
        report = await enrol_phones(session, await session.get(Service, service.id), lines)
    assert (report.added, report.already, report.repeated) == (2, 0, 1)
    assert report.bad == [(5, "12345"), (7, "not a number"), (8, "0770 555 666;uz")]

    async with app.sessions() as session, session.begin():
        again = await enrol_phones(session, service, ["+996555100200", "+996770555666"])
        assert (again.added, again.already, again.bad) == (1, 1, [])
        newcomer = await session.scalar(
            select(Person).join(Address).where(Address.value == "+996700123456")
        )
        assert newcomer.language == "ru" and newcomer.id != known.id
        enrolled = await session.scalar(
            select(func.count())
            .select_from(Beneficiary)
            .where(Beneficiary.service_id == service.id)
        )
    assert enrolled == 3


async def test_joining_by_code_in_any_spelling(app) -> None:
    service = await create_delivered_service(app)
    person = await create_resident(app, "joiner")
    spaced = f"{service.join_code[:3].lower()} {service.join_code[3:]}"
    async with app.sessions() as session, session.begin():
        me = await session.get(Person, person.id)
        assert await join_service(session, me, "ZZZZZZ") is None
        joined, added = await join_service(session, me, spaced)
        assert (joined.id, added) == (service.id, True)
        assert (await join_service(session, me, service.join_code))[1] is False
    assert normalize_join_code("7QH4M") is None and normalize_join_code("7QH4M0") is None


async def test_a_service_title_typed_with_control_characters_is_stored_clean(app) -> None:
    service = await create_delivered_service(app, title="Home\x00 care\x1b")
    async with app.sessions() as session:
        assert (await session.get(Service, service.id)).title == "Home care"
