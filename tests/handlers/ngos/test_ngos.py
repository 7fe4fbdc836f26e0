"""NGOs: registration, review within scope (refusals audited), members told, join codes."""

from __future__ import annotations

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from bot.audit import PermissionDenied
from handlers.ngos.inn import InvalidInn
from handlers.ngos.ngos import (
    AlreadyDecided,
    InnTaken,
    approve_organization,
    category_ids_of,
    join_organization,
    municipality_ids_of,
    normalize_join_code,
    pending_for_staff,
    regenerate_join_code,
    register_organization,
    reject_organization,
)
from models import AuditEvent, Organization, OrganizationStatus, OutboxMessage, Person, Role
from tests.factories import ELSEWHERE, HOME, category, create_resident, municipality, t

TODAY = date(2026, 11, 26)
INN = "01503201910012"
_people = itertools.count(1)


async def create_organization(
    app,
    registrant: Person | None,
    *,
    name: str = "Umut",
    inn: str = INN,
    places: tuple[str, ...] = (HOME,),
    sectors: tuple[str, ...] = ("education",),
    status: OrganizationStatus = OrganizationStatus.pending,
) -> Organization:
    """An NGO registered by `registrant` (or nobody), then approved or rejected as asked."""
    municipality_ids = [(await municipality(app, code)).id for code in places]
    category_ids = [(await category(app, code)).id for code in sectors]
    registrant = registrant or await create_resident(app, f"registrant-{next(_people)}")
    admin = await create_resident(app, f"admin-{next(_people)}")
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, registrant.id)
        organization = await register_organization(
            session,
            person,
            name=name,
            inn=inn,
            contact_name="Aigul Osmonova",
            contact_phone="0555 123 456",
            municipality_ids=municipality_ids,
            category_ids=category_ids,
            today=TODAY,
        )
        deciding = await session.get(Person, admin.id)
        deciding.role = Role.admin
        if status == OrganizationStatus.approved:
            await approve_organization(session, deciding, organization.id)
        elif status == OrganizationStatus.rejected:
            await reject_organization(session, deciding, organization.id, "Not an NGO")
    return organization


async def create_staff_person(app, address: str, code: str = HOME) -> Person:
    """A staff member of `code`, made directly in the database."""
    person = await create_resident(app, address, code=code)
    async with app.sessions() as session, session.begin():
        stored = await session.get(Person, person.id)
        stored.role, stored.staff_municipality_id = Role.staff, stored.municipality_id
    return stored


async def refusals(app) -> list[tuple[str, str | None]]:
    async with app.sessions() as session:
        events = await session.scalars(
            select(AuditEvent).where(AuditEvent.outcome.startswith("refused"))
        )
        return [(e.action, e.detail) for e in events.all()]


async def test_registration_makes_a_pending_ngo_with_its_registrant_as_member(app) -> None:
    resident = await create_resident(app, "founder")
    organization = await create_organization(
        app, resident, places=(HOME, ELSEWHERE), sectors=("education", "youth")
    )
    async with app.sessions() as session:
        stored = await session.get(Organization, organization.id)
        founder = await session.get(Person, resident.id)
        assert stored.status == OrganizationStatus.pending and stored.join_code is None
        assert stored.contact_phone == "+996555123456" and stored.registered_by_id == founder.id
        assert len(await municipality_ids_of(session, stored.id)) == 2
        assert len(await category_ids_of(session, stored.id)) == 2
        assert founder.organization_id == stored.id and founder.role == Role.resident


async def test_an_inn_is_registered_once_but_a_rejected_ngo_may_apply_again(app) -> None:
    first = await create_organization(app, None, status=OrganizationStatus.rejected)
    again = await create_organization(app, None, name="Umut 2")  # the rejected record, renewed
    assert again.id == first.id
    with pytest.raises(InnTaken):
        await create_organization(app, None)
    async with app.sessions() as session:
        stored = await session.get(Organization, first.id)
        assert (stored.name, stored.status, stored.reason) == (
            "Umut 2",
            OrganizationStatus.pending,
            None,
        )


async def test_a_personal_inn_or_a_member_cannot_register(app) -> None:
    with pytest.raises(InvalidInn):
        await create_organization(app, None, inn="11503198010012")
    member = await create_resident(app, "member")
    await create_organization(app, member)
    home, youth = (await municipality(app, HOME)).id, (await category(app, "youth")).id
    async with app.sessions() as session, session.begin():
        with pytest.raises(PermissionDenied):
            await register_organization(
                session,
                await session.get(Person, member.id),
                name="Second",
                inn="01503201910013",
                contact_name="A",
                contact_phone="0555 123 456",
                municipality_ids=[home],
                category_ids=[youth],
                today=TODAY,
            )
    assert ("register_organization", None) in await refusals(app)


async def test_staff_see_only_pending_ngos_working_in_their_municipality(app) -> None:
    ours = await create_organization(app, None, name="Ours", places=(HOME, ELSEWHERE))
    theirs = await create_organization(
        app, None, name="Theirs", inn="01503201910013", places=(ELSEWHERE,)
    )
    await create_organization(
        app, None, name="Done", inn="01503201910014", status=OrganizationStatus.approved
    )
    staff = await create_staff_person(app, "officer")
    resident = await create_resident(app, "resident")
    async with app.sessions() as session:
        assert [o.name for o in await pending_for_staff(session, staff)] == ["Ours"]
        staff.role = Role.admin
        assert [o.name for o in await pending_for_staff(session, staff)] == ["Ours", "Theirs"]
        with pytest.raises(PermissionDenied):
            await pending_for_staff(session, resident)
    assert ours.id != theirs.id


@pytest.mark.parametrize("language", ["ky", "ru", "uz", "en"])
async def test_approval_gives_a_code_makes_members_and_tells_them(app, language: str) -> None:
    founder = await create_resident(app, "founder", language=language)
    organization = await create_organization(app, founder)
    staff = await create_staff_person(app, "officer")
    async with app.sessions() as session, session.begin():
        approved = await approve_organization(session, staff, organization.id)
    async with app.sessions() as session:
        stored = await session.get(Organization, organization.id)
        member = await session.get(Person, founder.id)
        notices = (await session.scalars(select(OutboxMessage))).all()
    assert stored.status == OrganizationStatus.approved and stored.decided_by_id == staff.id
    assert (
        stored.decided_at is not None and normalize_join_code(stored.join_code) == stored.join_code
    )
    assert approved.join_code == stored.join_code and member.role == Role.ngo_member
    assert [(n.person_id, n.kind) for n in notices] == [(founder.id, "ngo_approved")]
    assert stored.join_code in notices[0].body and "Umut" in notices[0].body
    assert notices[0].body.startswith(
        t(language, "Good news: your NGO “{name}” is approved. You can now subscribe to tenders "
          "under “NGOs and tenders” in the menu. Colleagues join with the code {code}.",
          name="Umut", code=stored.join_code)[:20]
    )  # fmt: skip


async def test_staff_of_another_municipality_or_a_resident_cannot_decide(app) -> None:
    organization = await create_organization(app, None, places=(ELSEWHERE,))
    staff = await create_staff_person(app, "officer")  # of HOME
    resident = await create_resident(app, "resident")
    async with app.sessions() as session, session.begin():
        for person in (staff, resident):
            with pytest.raises(PermissionDenied):
                await approve_organization(session, person, organization.id)
            with pytest.raises(PermissionDenied):
                await reject_organization(session, person, organization.id, "No")
    async with app.sessions() as session:
        stored = await session.get(Organization, organization.id)
        assert stored.status == OrganizationStatus.pending and stored.join_code is None
        assert (await session.scalars(select(OutboxMessage))).all() == []
    detail = f"org={organization.id}"
    assert (
        await refusals(app)
        == [
            ("approve_organization", detail),
            ("reject_organization", detail),
        ]
        * 2
    )


async def test_a_decided_application_is_not_decided_twice(app) -> None:
    organization = await create_organization(app, None, status=OrganizationStatus.approved)
    staff = await create_staff_person(app, "officer")
    async with app.sessions() as session, session.begin():
        with pytest.raises(AlreadyDecided):
            await reject_organization(session, staff, organization.id, "Too late")


async def test_rejection_tells_members_the_reason_and_ends_their_membership(app) -> None:
    founder = await create_resident(app, "founder", language="ru")
    organization = await create_organization(app, founder)
    staff = await create_staff_person(app, "officer")
    async with app.sessions() as session, session.begin():
        with pytest.raises(ValueError):
            await reject_organization(session, staff, organization.id, " ")
        await reject_organization(session, staff, organization.id, "Нет устава")
    async with app.sessions() as session:
        stored = await session.get(Organization, organization.id)
        member = await session.get(Person, founder.id)
        notice = await session.scalar(select(OutboxMessage))
    assert (stored.status, stored.reason, stored.join_code) == (
        OrganizationStatus.rejected,
        "Нет устава",
        None,
    )
    assert member.organization_id is None and member.role == Role.resident
    assert notice.kind == "ngo_rejected" and "Нет устава" in notice.body
    assert notice.body == t(
        "ru",
        "Your application for the NGO “{name}” was not approved. Reason: {reason}. "
        "You may correct it and apply again.",
        name="Umut",
        reason="Нет устава",
    )


async def test_joining_with_a_code(app) -> None:
    approved = await create_organization(app, None, status=OrganizationStatus.approved)
    pending = await create_organization(app, None, name="Pending", inn="01503201910013")
    colleague = await create_resident(app, "colleague")
    code = approved.join_code
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, colleague.id)
        assert await join_organization(session, person, "ABCD-EFGH") is None
        assert pending.join_code is None
        typed = code.lower().replace("-", " ").replace("a", "а")  # Cyrillic а
        assert (await join_organization(session, person, typed)).id == approved.id
        assert person.organization_id == approved.id and person.role == Role.ngo_member
    founder_of_pending = (await refusals(app), pending)
    assert founder_of_pending[0] == [("join_organization", "unknown code")]


async def test_a_member_of_one_ngo_cannot_join_another(app) -> None:
    approved = await create_organization(app, None, status=OrganizationStatus.approved)
    member = await create_resident(app, "member")
    await create_organization(app, member, name="Own", inn="01503201910013")
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, member.id)
        with pytest.raises(PermissionDenied):
            await join_organization(session, person, approved.join_code)


async def test_a_new_code_replaces_the_old_one(app) -> None:
    founder = await create_resident(app, "founder")
    approved = await create_organization(app, founder, status=OrganizationStatus.approved)
    outsider = await create_resident(app, "outsider")
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, founder.id)
        fresh = await regenerate_join_code(session, person)
        assert fresh != approved.join_code
        with pytest.raises(PermissionDenied):
            await regenerate_join_code(session, await session.get(Person, outsider.id))
        stranger = await session.get(Person, outsider.id)
        assert await join_organization(session, stranger, approved.join_code) is None
        assert (await join_organization(session, stranger, fresh)).id == approved.id


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("7qh4-m2xp", "7QH4-M2XP"),
        (" 7QH4 M2XP ", "7QH4-M2XP"),
        ("7QH4M2X", None),
        ("0QH4-M2XP", None),
    ],
)
def test_join_codes_are_read_forgivingly(typed: str, code: str | None) -> None:
    assert normalize_join_code(typed) == code
