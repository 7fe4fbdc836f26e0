"""A small world with known numbers for report tests: needs and supports, tenders, a service
with a survey and its answers, in two municipalities, in March 2026 (Bishkek time) and around it.

The expected figures are written out in the tests, computed by hand from what is created here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from bot.app import App
from handlers.reports.periods import Period
from models import (
    Address,
    ConsentStatus,
    Need,
    NeedStatus,
    NeedSupport,
    Organization,
    OrganizationStatus,
    Person,
    QuestionKind,
    Role,
    Service,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyStatus,
    Tender,
    TenderStatus,
)
from tests.factories import ELSEWHERE, HOME, category, municipality

BISHKEK = ZoneInfo("Asia/Bishkek")
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
PHONE = "+996555{:06d}"
NGO_CONTACT = "Aigul Sadykova"
NGO_PHONE = "+996700999888"


def at(text: str) -> datetime:
    """A Bishkek local time as an aware datetime: at("2026-03-01 00:30")."""
    return datetime.fromisoformat(text).replace(tzinfo=BISHKEK)


@dataclass
class World:
    """The ids the tests need."""

    home_id: int
    elsewhere_id: int
    home_staff_id: int
    elsewhere_staff_id: int
    admin_id: int
    resident_id: int
    service_id: int
    elsewhere_service_id: int
    phones: list[str]


async def create_world(app: App) -> World:
    """Everything the report tests count (see the module docstring)."""
    home = (await municipality(app, HOME)).id
    elsewhere = (await municipality(app, ELSEWHERE)).id
    water = (await category(app, "water")).id
    roads = (await category(app, "roads_lighting")).id
    health = (await category(app, "health")).id
    education = (await category(app, "education")).id
    elderly = (await category(app, "elderly")).id
    phones = [PHONE.format(i) for i in range(1, 9)]
    async with app.sessions() as session, session.begin():
        people = []
        for phone in phones:
            person = Person(language="en", municipality_id=home, consent=ConsentStatus.given)
            session.add(person)
            await session.flush()
            session.add(Address(person_id=person.id, channel="sms", value=phone))
            people.append(person)
        staff = Person(language="en", role=Role.staff, staff_municipality_id=home)
        other_staff = Person(language="en", role=Role.staff, staff_municipality_id=elsewhere)
        admin = Person(language="en", role=Role.admin)
        session.add_all([staff, other_staff, admin])

        def need(category_id: int, status: NeedStatus, when: str, unit: int = home) -> Need:
            row = Need(
                municipality_id=unit,
                category_id=category_id,
                reporter_id=people[0].id,
                language="en",
                description=f"call me at {phones[0]}",
                status=status,
                created_at=at(when),
            )
            session.add(row)
            return row

        supported = [
            (need(water, NeedStatus.new, "2026-03-01 00:30"), 2),  # 2026-02-28 18:30 UTC: in
            (need(water, NeedStatus.new, "2026-03-10 12:00"), 0),
            (need(water, NeedStatus.resolved, "2026-03-31 23:59"), 1),
            (need(roads, NeedStatus.in_progress, "2026-03-15 09:00"), 1),
            (need(roads, NeedStatus.rejected, "2026-03-15 10:00"), 0),
            (need(health, NeedStatus.received, "2026-03-20 10:00"), 0),
            (need(water, NeedStatus.new, "2026-02-28 23:30"), 5),  # before the period
            (need(water, NeedStatus.new, "2026-04-01 00:30"), 3),  # after it (UTC: March 31)
            (need(water, NeedStatus.new, "2026-03-10 12:00", elsewhere), 2),
        ]
        await session.flush()
        for row, supports in supported:
            for person in people[1 : 1 + supports]:
                session.add(NeedSupport(need_id=row.id, person_id=person.id))

        ngo = Organization(
            name="Umut",
            inn="01234567890123",
            contact_name=NGO_CONTACT,
            contact_phone=NGO_PHONE,
            status=OrganizationStatus.approved,
        )
        session.add(ngo)
        await session.flush()

        def tender(category_id: int, status: TenderStatus, budget: str, **extra: object) -> None:
            session.add(
                Tender(
                    municipality_id=extra.pop("unit", home),
                    category_id=category_id,
                    title="A tender",
                    description="What is needed",
                    budget=Decimal(budget),
                    deadline=at("2026-06-01 18:00"),
                    how_to_apply="At the ayil okmotu",
                    status=status,
                    **extra,
                )
            )

        tender(
            water,
            TenderStatus.awarded,
            "100000.00",
            published_at=at("2026-03-05 10:00"),
            awarded_organization_id=ngo.id,
            award_amount=Decimal("95000.50"),
        )
        tender(water, TenderStatus.active, "50000", published_at=at("2026-03-20 10:00"))
        tender(education, TenderStatus.cancelled, "20000", published_at=at("2026-03-02 10:00"))
        tender(education, TenderStatus.draft, "10000.25", created_at=at("2026-03-25 10:00"))
        tender(
            water,
            TenderStatus.awarded,
            "999",
            created_at=at("2026-01-30 10:00"),
            published_at=at("2026-02-10 10:00"),
            award_amount=Decimal("900"),
        )
        tender(water, TenderStatus.draft, "777", created_at=at("2026-04-02 10:00"))
        tender(
            health,
            TenderStatus.active,
            "70000",
            published_at=at("2026-03-10 10:00"),
            unit=elsewhere,
        )

        service = Service(
            municipality_id=home,
            category_id=elderly,
            title="Home care",
            organization_id=ngo.id,
            join_code="CARE1",
        )
        other_service = Service(
            municipality_id=elsewhere,
            category_id=elderly,
            title="Meals on wheels",
            join_code="MEALS1",
        )
        session.add_all([service, other_service])
        await session.flush()
        survey = Survey(
            service_id=service.id,
            status=SurveyStatus.sent,
            titles={"en": "Home care feedback", "ru": "Отзыв об уходе на дому"},
        )
        draft = Survey(service_id=service.id, status=SurveyStatus.draft, titles={"en": "Draft"})
        session.add_all([survey, draft])
        await session.flush()
        kinds = [
            (
                QuestionKind.rating,
                {"en": "How good was the care?", "ru": "Как вы оцениваете уход?"},
                None,
            ),
            (QuestionKind.yes_no, {"en": "Did it help?", "ru": "Помогло ли это?"}, None),
            (
                QuestionKind.choice,
                {"en": "Best time for visits?", "ru": "Лучшее время визитов?"},
                {"en": ["Morning", "Afternoon", "Evening"], "ru": ["Утро", "День", "Вечер"]},
            ),
            (QuestionKind.text, {"en": "Anything else?", "ru": "Что-нибудь ещё?"}, None),
        ]
        questions = []
        for position, (kind, texts, choices) in enumerate(kinds, 1):
            question = SurveyQuestion(
                survey_id=survey.id, position=position, kind=kind, texts=texts, choices=choices
            )
            session.add(question)
            questions.append(question)
        await session.flush()
        answers = [
            ["5", "yes", "0", "Thank you"],
            ["4", "yes", "2", "More visits please"],
            ["4", "no", "2"],
            ["2"],
        ]
        for person, values in zip(people, answers, strict=False):
            for question, value in zip(questions, values, strict=False):
                session.add(
                    SurveyAnswer(
                        survey_id=survey.id,
                        question_id=question.id,
                        person_id=person.id,
                        value=value,
                    )
                )
        for index, person in enumerate(people[:5]):
            done = at("2026-03-12 10:00") if index < 3 else None
            session.add(
                SurveyInvitation(survey_id=survey.id, person_id=person.id, completed_at=done)
            )
        await session.flush()
        return World(
            home,
            elsewhere,
            staff.id,
            other_staff.id,
            admin.id,
            people[0].id,
            service.id,
            other_service.id,
            phones,
        )
