"""A municipality with a bit of everything the public pages show — needs (one hidden, one
redacted, one with a phone number in its text), supports, a staff comment, tenders open and
awarded, a service with a survey answered by enough people, an announcement — made by people
whose names, phones and chat ids are distinctive strings (`PERSONAL`), so a test can assert that
none of them appears in public."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import insert

from bot.app import App
from handlers.tenders.tenders import Draft, award, create_tender, publish
from models import (
    Address,
    Audience,
    Broadcast,
    BroadcastStatus,
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
    organization_municipalities,
)
from models.base import utcnow
from tests.factories import HOME, category, municipality

# What must never appear on a public page or in a public file.
RESIDENT_NAMES = ("Zarylkan-Tursunbaeva", "Kanybek-Sydykov-Q", "Bermet-Alieva-Z")
PHONES = ("+996555918273", "996555443322", "0555918273", "918273", "443322")
CHAT_IDS = ("7718293001", "7718293002")  # Telegram chat ids
NGO_CONTACT = ("Gulnara-Osmonova-Zh", "+996555777666", "777666")
HIDDEN_TEXT = "Kanybek Sydykov pours diesel into the canal"
REDACTED_ORIGINAL = "Bermet Alieva of Lenin 15 asks"
NEED_PLACE = "Lenin-street-15-flat-9"
WRITTEN_ANSWER = "Ask Cholpon Mamatova, she knows"
STAFF_NAME = "Asel-Kurmanova-Staff"
PERSONAL = (
    *RESIDENT_NAMES,
    *PHONES,
    *CHAT_IDS,
    *NGO_CONTACT,
    HIDDEN_TEXT,
    REDACTED_ORIGINAL,
    NEED_PLACE,
    WRITTEN_ANSWER,
    STAFF_NAME,
)

SUPPORTERS = 6  # at least REPORT_MIN_GROUP's default of 5, so survey figures are shown


@dataclass
class Seeded:
    """What the seed made, for the tests to look for on the pages."""

    code: str = HOME
    top_need: Need | None = None
    needs: list[Need] = field(default_factory=list)
    hidden: Need | None = None
    redacted: Need | None = None


async def _person(session, unit_id: int, address: tuple[str, str], role: Role = Role.resident):
    person = Person(
        language="en",
        municipality_id=unit_id,
        role=role,
        staff_municipality_id=unit_id if role == Role.staff else None,
        consent=ConsentStatus.given,
        consent_at=utcnow(),
    )
    session.add(person)
    await session.flush()
    session.add(Address(person_id=person.id, channel=address[0], value=address[1]))
    return person


async def seed_municipality(app: App) -> Seeded:
    """Everything the public pages of HOME show, made by people of distinctive names."""
    unit = await municipality(app, HOME)
    water = await category(app, "water")
    roads = await category(app, "roads_lighting")
    elderly = await category(app, "elderly")
    seeded = Seeded()
    zone = app.settings.timezone
    async with app.sessions() as session, session.begin():
        addresses = [
            ("sim", RESIDENT_NAMES[0]),
            ("sms", PHONES[0]),
            ("whatsapp", PHONES[1]),
            ("telegram", CHAT_IDS[0]),
            ("telegram", CHAT_IDS[1]),
            ("sim", RESIDENT_NAMES[1]),
            ("sim", RESIDENT_NAMES[2]),
        ]
        people = [await _person(session, unit.id, a) for a in addresses]
        staff = await _person(session, unit.id, ("sim", STAFF_NAME), Role.staff)

        def need(text: str, kind, reporter: Person, **extra) -> Need:
            made = Need(
                municipality_id=unit.id,
                category_id=kind.id,
                reporter_id=reporter.id,
                language="en",
                description=text,
                place=NEED_PLACE,
                created_at=utcnow() - timedelta(days=12),
                **extra,
            )
            session.add(made)
            return made

        top = need("The well in the upper quarter is dry", water, people[0])
        top.status = NeedStatus.in_progress
        top.staff_comment = "A water truck comes on Mondays until the pump is fixed"
        lamps = need(f"Street lamps are out; call {PHONES[2]} for the key", roads, people[1])
        hidden = need(HIDDEN_TEXT, water, people[2], hidden=True, moderation_reason="a name")
        redacted = need(
            REDACTED_ORIGINAL + " for a street light",
            roads,
            people[3],
            redacted="A resident asks for a street light",
        )
        done = need("The bridge was repaired", roads, people[4], status=NeedStatus.resolved)
        await session.flush()
        for supporter in people[1:]:
            session.add(NeedSupport(need_id=top.id, person_id=supporter.id))
        session.add(NeedSupport(need_id=lamps.id, person_id=people[0].id))
        seeded.top_need, seeded.hidden, seeded.redacted = top, hidden, redacted
        seeded.needs = [top, lamps, hidden, redacted, done]

        ngo = Organization(
            name="Umut Public Foundation",
            inn="20101199900011",
            contact_name=NGO_CONTACT[0],
            contact_phone=NGO_CONTACT[1],
            status=OrganizationStatus.approved,
        )
        session.add(ngo)
        await session.flush()
        await session.execute(
            insert(organization_municipalities).values(
                organization_id=ngo.id, municipality_id=unit.id
            )
        )

        def draft(title: str, days: int) -> Draft:
            return Draft(
                municipality_id=unit.id,
                category_id=elderly.id,
                title=title,
                description="Daily visits to elderly people living alone.",
                budget=Decimal("150000"),
                deadline=utcnow() + timedelta(days=days),
                how_to_apply="Bring the application to the ayil okmotu, room 5.",
                language="en",
            )

        open_tender = await create_tender(session, staff, draft("Hot meals for the elderly", 10))
        await publish(session, staff, open_tender, app.settings)
        won = await create_tender(session, staff, draft("Home care for the elderly", 3))
        await publish(session, staff, won, app.settings)
        await award(session, staff, won, ngo, Decimal("140000"), zone=zone)
        await create_tender(session, staff, draft("A draft nobody may see yet", 20))

        service = Service(
            tender_id=won.id,
            organization_id=ngo.id,
            municipality_id=unit.id,
            category_id=elderly.id,
            title="Home care visits",
            join_code="PUB7Q4",
        )
        session.add(service)
        await session.flush()
        survey = Survey(
            service_id=service.id,
            titles={"en": "How was the home care?"},
            status=SurveyStatus.sent,
            invited_at=utcnow(),
        )
        session.add(survey)
        await session.flush()
        rating = SurveyQuestion(
            survey_id=survey.id, position=1, kind=QuestionKind.rating, texts={"en": "Rate it"}
        )
        written = SurveyQuestion(
            survey_id=survey.id, position=2, kind=QuestionKind.text, texts={"en": "Anything?"}
        )
        session.add_all([rating, written])
        await session.flush()
        for index, person in enumerate(people[:SUPPORTERS]):
            session.add(
                SurveyInvitation(survey_id=survey.id, person_id=person.id, completed_at=utcnow())
            )
            session.add(
                SurveyAnswer(
                    survey_id=survey.id,
                    question_id=rating.id,
                    person_id=person.id,
                    value="5" if index % 2 else "4",
                )
            )
            session.add(
                SurveyAnswer(
                    survey_id=survey.id,
                    question_id=written.id,
                    person_id=person.id,
                    value=WRITTEN_ANSWER if index == 0 else "Good",
                )
            )
        session.add(
            Broadcast(
                author_id=staff.id,
                municipality_id=unit.id,
                audience=Audience.residents,
                texts={"en": "Water will be off on Friday from 9 to 12.", "ru": "Воды не будет"},
                status=BroadcastStatus.done,
                send_at=utcnow() - timedelta(days=1),
                queued_at=utcnow() - timedelta(days=1),
            )
        )
    return seeded
