"""A world with known groups for the figures by group: a need for the elderly in Barpy
supported by 6 women aged 60 or older who live with a disability, 2 men aged 18–29 without one
and 5 people who did not answer the questions; a need in Pokrovka supported by 6 of the
older women; and a survey of a Barpy service those 13 answered (ratings: the older women
5, 5, 4, 5, 4, 5 — average 4.67; the young men 1 and 2; the others 3 each).

With REPORT_MIN_GROUP 5 the young men's 2 must never show, and neither may the 5 of "not
answered" beside it (or 13 − 6 − 0 would give the 2 back).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.app import App
from models import (
    AgeBand,
    ConsentStatus,
    Disability,
    Gender,
    GroupAnswers,
    Need,
    NeedSupport,
    Person,
    QuestionKind,
    Role,
    Service,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyStatus,
)
from models.base import utcnow
from tests.factories import ELSEWHERE, HOME, category, municipality
from tests.handlers.reports.world import at

OLDER, YOUNGER, SILENT = 6, 2, 5
RATINGS = {"older": "554545", "younger": "12", "silent": "33333"}


@dataclass
class GroupWorld:
    home_id: int
    staff_id: int
    admin_id: int
    service_id: int
    person_ids: list[int]


async def create_group_world(app: App) -> GroupWorld:
    home = (await municipality(app, HOME)).id
    elsewhere = (await municipality(app, ELSEWHERE)).id
    elderly = (await category(app, "elderly")).id
    async with app.sessions() as session, session.begin():
        groups: dict[str, list[Person]] = {"older": [], "younger": [], "silent": []}
        for name, count in (("older", OLDER), ("younger", YOUNGER), ("silent", SILENT)):
            for _ in range(count):
                person = Person(language="en", municipality_id=home, consent=ConsentStatus.given)
                session.add(person)
                groups[name].append(person)
        staff = Person(language="en", role=Role.staff, staff_municipality_id=home)
        admin = Person(language="en", role=Role.admin)
        session.add_all([staff, admin])
        await session.flush()
        for person in groups["older"]:
            session.add(
                GroupAnswers(
                    person_id=person.id,
                    agreed_at=utcnow(),
                    age_band=AgeBand.from_60,
                    gender=Gender.woman,
                    disability=Disability.lives_with,
                )
            )
        for person in groups["younger"]:
            session.add(
                GroupAnswers(
                    person_id=person.id,
                    agreed_at=utcnow(),
                    age_band=AgeBand.from_18,
                    gender=Gender.man,
                    disability=Disability.none,
                )
            )
        for person in groups["silent"][:2]:  # asked, said "not now": no answers
            session.add(GroupAnswers(person_id=person.id))
        here = Need(
            municipality_id=home,
            category_id=elderly,
            language="en",
            description="Home visits for the elderly",
            created_at=at("2026-03-10 12:00"),
        )
        there = Need(
            municipality_id=elsewhere,
            category_id=elderly,
            language="en",
            description="A day centre",
            created_at=at("2026-03-11 12:00"),
        )
        session.add_all([here, there])
        await session.flush()
        everyone = [p for name in groups for p in groups[name]]
        for person in everyone:
            session.add(NeedSupport(need_id=here.id, person_id=person.id))
        for person in groups["older"]:
            session.add(NeedSupport(need_id=there.id, person_id=person.id))

        service = Service(
            municipality_id=home, category_id=elderly, title="Home care", join_code="CARE9"
        )
        session.add(service)
        await session.flush()
        survey = Survey(service_id=service.id, status=SurveyStatus.sent, titles={"en": "Care"})
        session.add(survey)
        await session.flush()
        rating = SurveyQuestion(
            survey_id=survey.id,
            position=1,
            kind=QuestionKind.rating,
            texts={"en": "How good was the care?"},
        )
        helped = SurveyQuestion(
            survey_id=survey.id, position=2, kind=QuestionKind.yes_no, texts={"en": "Did it help?"}
        )
        session.add_all([rating, helped])
        await session.flush()
        for name, values in RATINGS.items():
            for person, value in zip(groups[name], values, strict=True):
                session.add(
                    SurveyAnswer(
                        survey_id=survey.id, question_id=rating.id, person_id=person.id, value=value
                    )
                )
                session.add(
                    SurveyAnswer(
                        survey_id=survey.id, question_id=helped.id, person_id=person.id, value="yes"
                    )
                )
        return GroupWorld(home, staff.id, admin.id, service.id, [p.id for p in everyone])
