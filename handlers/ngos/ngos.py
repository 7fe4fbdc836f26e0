"""NGOs: registration, review by staff or an admin, and the join codes members share.

An NGO is registered pending; its registrant is its first member. Staff of a municipality it works
in (or an admin) approve it — every member becomes an NGO member and it gets a join code — or
reject it with a reason, which ends the members' membership so they may apply again. Either way
the members are told, in their language. See docs/ngos.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import Select, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.delivery import notify
from bot.i18n import N_, translator
from bot.phones import normalize_phone
from handlers.ngos.inn import check_organization_inn
from models import (
    ConsentStatus,
    Organization,
    OrganizationStatus,
    Person,
    Role,
    organization_categories,
    organization_municipalities,
)
from models.base import utcnow
from models.invite import CODE_ALPHABET

JOIN_CODE_LENGTH = 8
# Cyrillic letters that look like Latin ones: a code read off a screen is often typed on a
# Cyrillic keyboard.
LOOKALIKES = str.maketrans("АВСЕНКМРТХУ", "ABCEHKMPTXY")


class InnTaken(Exception):
    """An NGO with this INN is registered already (pending or approved)."""


class AlreadyDecided(Exception):
    """The application was approved or rejected already (by someone else, a moment ago)."""


def new_join_code() -> str:
    """A fresh code such as 7QH4-M2XP: no 0/O or 1/I/L, so it survives being read aloud."""
    body = "".join(secrets.choice(CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
    return f"{body[:4]}-{body[4:]}"


def normalize_join_code(text: str) -> str | None:
    """The canonical join code in a typed text ('7qh4 m2xp' too), or None if it is not one."""
    compact = "".join(ch for ch in text.upper().translate(LOOKALIKES) if ch.isalnum())
    if len(compact) != JOIN_CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in compact):
        return None
    return f"{compact[:4]}-{compact[4:]}"


async def _unused_join_code(session: AsyncSession) -> str:
    while True:
        code = new_join_code()
        if (
            await session.scalar(select(Organization.id).where(Organization.join_code == code))
            is None
        ):
            return code


# -- reading ----------------------------------------------------------------------------------


async def organization_of(session: AsyncSession, person: Person) -> Organization | None:
    """The NGO the person is a member of (pending or approved), if any."""
    if person.organization_id is None:
        return None
    return await session.get(Organization, person.organization_id)


async def approved_organization_of(session: AsyncSession, person: Person) -> Organization | None:
    """The person's NGO if it is approved."""
    organization = await organization_of(session, person)
    if organization is None or organization.status != OrganizationStatus.approved:
        return None
    return organization


async def members_of(session: AsyncSession, organization_id: int) -> list[Person]:
    """The NGO's members, first to join first."""
    result = await session.scalars(
        select(Person).where(Person.organization_id == organization_id).order_by(Person.id)
    )
    return list(result.all())


async def municipality_ids_of(session: AsyncSession, organization_id: int) -> list[int]:
    """The municipalities the NGO works in."""
    table = organization_municipalities
    result = await session.scalars(
        select(table.c.municipality_id)
        .where(table.c.organization_id == organization_id)
        .order_by(table.c.municipality_id)
    )
    return list(result.all())


async def category_ids_of(session: AsyncSession, organization_id: int) -> list[int]:
    """The sectors (need categories) the NGO serves."""
    table = organization_categories
    result = await session.scalars(
        select(table.c.category_id)
        .where(table.c.organization_id == organization_id)
        .order_by(table.c.category_id)
    )
    return list(result.all())


async def inn_taken(session: AsyncSession, inn: str) -> bool:
    """Whether a pending or approved NGO has this INN (a rejected one may apply again)."""
    found = await session.scalar(select(Organization).where(Organization.inn == inn))
    return found is not None and found.status != OrganizationStatus.rejected


# -- registering ------------------------------------------------------------------------------


def is_member(person: Person) -> bool:
    """A member of an NGO with the rights of one (approval itself is checked where it matters)."""
    return person.organization_id is not None and person.role != Role.resident


def may_register(person: Person) -> bool:
    """Whether the person may register an NGO: consent given and not a member of one yet."""
    return person.consent == ConsentStatus.given and person.organization_id is None


async def register_organization(
    session: AsyncSession,
    person: Person,
    *,
    name: str,
    inn: str,
    contact_name: str,
    contact_phone: str,
    municipality_ids: Iterable[int],
    category_ids: Iterable[int],
    today: date,
) -> Organization:
    """Register a pending NGO with `person` as its first member.

    Raises InvalidInn for a number that is not an organization's INN, InnTaken when a pending or
    approved NGO has it (a rejected NGO's record is reused for its new application), ValueError
    for a bad phone or no municipality or sector, PermissionDenied when the person may not.
    """
    if not may_register(person):
        await audit.record(session, person.id, "register_organization", "refused")
        raise PermissionDenied("register_organization")
    inn = check_organization_inn(inn, today)
    phone = normalize_phone(contact_phone)
    municipalities, categories = (
        list(dict.fromkeys(municipality_ids)),
        list(dict.fromkeys(category_ids)),
    )
    if phone is None or not municipalities or not categories:
        raise ValueError("an NGO needs a valid phone, a municipality and a sector")
    organization = await session.scalar(
        select(Organization).where(Organization.inn == inn).with_for_update()
    )
    if organization is not None and organization.status != OrganizationStatus.rejected:
        raise InnTaken(inn)
    if organization is None:
        organization = Organization(inn=inn)
        session.add(organization)
    organization.name = name
    organization.contact_name = contact_name
    organization.contact_phone = phone
    organization.status, organization.reason = OrganizationStatus.pending, None
    organization.decided_by_id = organization.decided_at = organization.join_code = None
    organization.registered_by_id = person.id
    organization.created_at = utcnow()
    await session.flush()
    for table in (organization_municipalities, organization_categories):
        await session.execute(delete(table).where(table.c.organization_id == organization.id))
    await session.execute(
        insert(organization_municipalities),
        [{"organization_id": organization.id, "municipality_id": m} for m in municipalities],
    )
    await session.execute(
        insert(organization_categories),
        [{"organization_id": organization.id, "category_id": c} for c in categories],
    )
    person.organization_id = organization.id
    await audit.record(session, person.id, "register_organization", "ok", f"org={organization.id}")
    return organization


# -- reviewing --------------------------------------------------------------------------------


async def _may_decide(session: AsyncSession, staff: Person, organization_id: int) -> bool:
    if staff.role == Role.admin:
        return True
    if staff.role != Role.staff or staff.staff_municipality_id is None:
        return False
    return staff.staff_municipality_id in await municipality_ids_of(session, organization_id)


def _in_scope_of(query: Select, staff: Person, wanted: int | None = None) -> Select:
    """`query` of NGOs limited to those working in the staff member's municipality (admins:
    every NGO, or those working in the municipality `wanted`)."""
    if staff.role == Role.admin and wanted is None:
        return query
    place = wanted if staff.role == Role.admin else staff.staff_municipality_id
    table = organization_municipalities
    return query.where(
        Organization.id.in_(select(table.c.organization_id).where(table.c.municipality_id == place))
    )


async def pending_for_staff(session: AsyncSession, staff: Person) -> Sequence[Organization]:
    """Pending NGOs that work in the staff member's municipality (admins: all), oldest first."""
    if not staff.is_staff:
        await audit.record(session, staff.id, "list_organizations", "refused")
        raise PermissionDenied("list_organizations")
    query = (
        select(Organization)
        .where(Organization.status == OrganizationStatus.pending)
        .order_by(Organization.created_at, Organization.id)
    )
    query = _in_scope_of(query, staff)
    return (await session.scalars(query)).all()


async def organizations_for_staff(
    session: AsyncSession, staff: Person, limit: int = 300, municipality_id: int | None = None
) -> list[Organization]:
    """Every NGO the staff member may review (admins: all, or those working in
    `municipality_id`; staff always their own): pending ones first, oldest first, then the
    decided ones, most recently decided first."""
    if not staff.is_staff:
        await audit.record(session, staff.id, "list_organizations", "refused")
        raise PermissionDenied("list_organizations")
    query = _in_scope_of(select(Organization), staff, municipality_id)
    found = list((await session.scalars(query.order_by(Organization.id.desc()).limit(limit))).all())
    pending = [o for o in found if o.status == OrganizationStatus.pending]
    decided = [o for o in found if o.status != OrganizationStatus.pending]
    pending.sort(key=lambda o: (o.created_at, o.id))
    decided.sort(key=lambda o: (o.decided_at or o.created_at, o.id), reverse=True)
    return pending + decided


async def organization_for_staff(
    session: AsyncSession, staff: Person, organization_id: int, action: str = "open_organization"
) -> Organization:
    """An NGO the staff member may review; refused (and recorded) otherwise."""
    organization = await session.get(Organization, organization_id)
    if organization is None or not await _may_decide(session, staff, organization_id):
        await audit.record(session, staff.id, action, "refused", f"org={organization_id}")
        raise PermissionDenied(action, f"org={organization_id}")
    return organization


async def _decide(
    session: AsyncSession, staff: Person, organization_id: int, action: str
) -> Organization:
    """The NGO, in scope and locked, still pending; refused or AlreadyDecided otherwise."""
    organization = await organization_for_staff(session, staff, organization_id, action)
    await session.refresh(organization, with_for_update=True)
    if organization.status != OrganizationStatus.pending:
        raise AlreadyDecided(organization_id)
    organization.decided_by_id, organization.decided_at = staff.id, utcnow()
    return organization


async def approve_organization(
    session: AsyncSession, staff: Person, organization_id: int
) -> Organization:
    """Approve a pending NGO: a join code, its members become NGO members and are told."""
    organization = await _decide(session, staff, organization_id, "approve_organization")
    organization.status = OrganizationStatus.approved
    organization.join_code = await _unused_join_code(session)
    for member in await members_of(session, organization.id):
        if member.role == Role.resident:
            member.role = Role.ngo_member
        tr = translator(member.language or "ky")
        await notify.enqueue(
            session,
            member,
            tr.t(
                N_(
                    "Good news: your NGO “{name}” is approved. You can now subscribe to tenders "
                    "under “NGOs and tenders” in the menu. Colleagues join with the code {code}."
                ),
                name=organization.name,
                code=organization.join_code,
            ),
            kind="ngo_approved",
        )
    await audit.record(session, staff.id, "approve_organization", "ok", f"org={organization.id}")
    return organization


async def reject_organization(
    session: AsyncSession, staff: Person, organization_id: int, reason: str
) -> Organization:
    """Reject a pending NGO with a reason; its members are told and are members no more."""
    if not reason.strip():
        raise ValueError("a rejection needs a reason")
    organization = await _decide(session, staff, organization_id, "reject_organization")
    organization.status, organization.reason = OrganizationStatus.rejected, reason
    for member in await members_of(session, organization.id):
        tr = translator(member.language or "ky")
        await notify.enqueue(
            session,
            member,
            tr.t(
                N_(
                    "Your application for the NGO “{name}” was not approved. Reason: {reason}. "
                    "You may correct it and apply again."
                ),
                name=organization.name,
                reason=reason,
            ),
            kind="ngo_rejected",
        )
    await session.execute(
        update(Person).where(Person.organization_id == organization.id).values(organization_id=None)
    )
    await audit.record(session, staff.id, "reject_organization", "ok", f"org={organization.id}")
    return organization


# -- joining ----------------------------------------------------------------------------------


async def join_organization(
    session: AsyncSession, person: Person, code: str
) -> Organization | None:
    """Make the person a member of the approved NGO whose join code they typed; None (and an
    audit record) when no approved NGO has it."""
    normalized = normalize_join_code(code)
    organization = (
        await session.scalar(
            select(Organization).where(
                Organization.join_code == normalized,
                Organization.status == OrganizationStatus.approved,
            )
        )
        if normalized
        else None
    )
    if organization is None:
        await audit.record(session, person.id, "join_organization", "refused", "unknown code")
        return None
    if person.organization_id not in (None, organization.id):
        await audit.record(session, person.id, "join_organization", "refused", "other member")
        raise PermissionDenied("join_organization", "a member of another NGO")
    person.organization_id = organization.id
    if person.role == Role.resident:
        person.role = Role.ngo_member
    await audit.record(session, person.id, "join_organization", "ok", f"org={organization.id}")
    return organization


async def regenerate_join_code(session: AsyncSession, person: Person) -> str:
    """A new join code for the person's approved NGO; the old one stops working."""
    organization = await approved_organization_of(session, person)
    if organization is None:
        await audit.record(session, person.id, "regenerate_join_code", "refused")
        raise PermissionDenied("regenerate_join_code")
    organization.join_code = await _unused_join_code(session)
    await audit.record(session, person.id, "regenerate_join_code", "ok", f"org={organization.id}")
    return organization.join_code
