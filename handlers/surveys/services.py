"""Delivered services and the people they reached.

Staff register a service under an awarded tender of their municipality (and so with the NGO that
won it); it gets a join code. Beneficiaries are enrolled from a list of phone numbers (a CSV file
or lines pasted into the bot: handlers.surveys.enrol_lists) or enrol themselves by sending the
join code. A phone number nobody
has written from becomes a person with an SMS address, so the survey invitations reach them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.conversation.senders import resolve_address
from bot.identity.linking import phone_channels
from bot.text import clean_text
from models import Address, Beneficiary, Organization, Person, Role, Service, Tender, TenderStatus
from models.db import insert_ignore
from models.invite import CODE_ALPHABET

JOIN_CODE_LENGTH = 6
PHONE_CHANNEL = "sms"
# Cyrillic letters that look like Latin ones: a code read off paper is often typed in Cyrillic.
LOOKALIKES = str.maketrans("АВСЕНКМРТХУ", "ABCEHKMPTXY")


class ServiceError(ValueError):
    """A service that cannot be made; the message names the reason (for logs and the CLI)."""


def new_join_code() -> str:
    """Six characters without 0/O or 1/I/L, such as 7QH4M2: easy to read out and type."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalize_join_code(text: str) -> str | None:
    """The canonical join code in a typed text ('7qh 4m2', Cyrillic look-alikes too), or None."""
    compact = "".join(ch for ch in text.upper().translate(LOOKALIKES) if ch.isalnum())
    if len(compact) != JOIN_CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in compact):
        return None
    return compact


async def _unused_join_code(session: AsyncSession) -> str:
    while True:
        code = new_join_code()
        if await session.scalar(select(Service.id).where(Service.join_code == code)) is None:
            return code


# -- staff ------------------------------------------------------------------------------------


async def awarded_tenders_for_staff(session: AsyncSession, person: Person) -> list[Tender]:
    """The awarded tenders of the person's municipality (admins: every one), newest first."""
    query = (
        select(Tender)
        .where(Tender.status == TenderStatus.awarded)
        .order_by(Tender.awarded_at.desc().nulls_last(), Tender.id.desc())
        .limit(50)
    )
    if person.role != Role.admin:
        if not person.is_staff or person.staff_municipality_id is None:
            return []
        query = query.where(Tender.municipality_id == person.staff_municipality_id)
    return list((await session.scalars(query)).all())


async def create_service(
    session: AsyncSession, author: Person | None, tender_id: int, title: str
) -> Service:
    """A service delivered under awarded tender `tender_id`, with a fresh join code. Staff reach
    only their municipality's tenders (refused and audited otherwise); `author` None is an
    operator at the command line."""
    tender = await session.get(Tender, tender_id)
    if tender is None:
        raise ServiceError(f"there is no tender {tender_id}")
    if tender.status != TenderStatus.awarded:
        raise ServiceError(f"tender {tender_id} is {tender.status}, not awarded")
    if author is not None and not author.may_manage(tender.municipality_id):
        await audit.record(session, author.id, "create_service", "refused", f"tender={tender_id}")
        raise PermissionDenied("create_service", f"tender={tender_id}")
    title = " ".join(clean_text(title).split())[:300] or tender.title
    service = Service(
        tender_id=tender.id,
        organization_id=tender.awarded_organization_id,
        municipality_id=tender.municipality_id,
        category_id=tender.category_id,
        title=title,
        join_code=await _unused_join_code(session),
        created_by_id=author.id if author else None,
    )
    session.add(service)
    await session.flush()
    await audit.record(
        session, author.id if author else None, "create_service", "ok", f"service={service.id}"
    )
    return service


async def services_for_staff(session: AsyncSession, person: Person) -> list[Service]:
    """The services of the person's municipality (admins: every one), newest first."""
    query = select(Service).order_by(Service.id.desc()).limit(50)
    if person.role != Role.admin:
        if not person.is_staff or person.staff_municipality_id is None:
            return []
        query = query.where(Service.municipality_id == person.staff_municipality_id)
    return list((await session.scalars(query)).all())


async def service_for_staff(
    session: AsyncSession, person: Person | None, service_id: int
) -> Service:
    """A service the person may manage; refused and audited otherwise (None: an operator)."""
    service = await session.get(Service, service_id)
    if service is None:
        raise ServiceError(f"no service {service_id}")
    if person is not None and not person.may_manage(service.municipality_id):
        await audit.record(session, person.id, "open_service", "refused", f"service={service_id}")
        raise PermissionDenied("open_service", f"service={service_id}")
    return service


async def organization_name(session: AsyncSession, service: Service) -> str:
    """The NGO that delivers the service ("—" if it is gone)."""
    organization = (
        await session.get(Organization, service.organization_id)
        if service.organization_id
        else None
    )
    return organization.name if organization else "—"


async def beneficiary_count(session: AsyncSession, service_id: int) -> int:
    """How many people the service has enrolled."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(Beneficiary)
            .where(Beneficiary.service_id == service_id)
        )
        or 0
    )


@dataclass(frozen=True)
class Enrolled:
    """A beneficiary as staff see them: their phone number (to be shown partly hidden), how
    they were enrolled (csv, code) and when."""

    phone: str | None
    source: str
    created_at: datetime


async def beneficiaries_of(
    session: AsyncSession, service_id: int, limit: int = 50
) -> list[Enrolled]:
    """The service's latest beneficiaries, newest first."""
    phone = (
        select(Address.value)
        .where(Address.person_id == Beneficiary.person_id, Address.channel.in_(phone_channels()))
        .order_by(Address.id)
        .limit(1)
        .scalar_subquery()
    )
    rows = await session.execute(
        select(phone, Beneficiary.source, Beneficiary.created_at)
        .where(Beneficiary.service_id == service_id)
        .order_by(Beneficiary.id.desc())
        .limit(limit)
    )
    return [Enrolled(*row) for row in rows.all()]


# -- enrolment --------------------------------------------------------------------------------


async def person_for_phone(session: AsyncSession, phone: str) -> Person:
    """The person with this phone number (E.164) on any phone channel (SMS, WhatsApp); someone
    who never wrote is created with an SMS address, as their first message would have done."""
    address = await session.scalar(
        select(Address)
        .where(Address.channel.in_(phone_channels()), Address.value == phone)
        .order_by(Address.id)
        .limit(1)
    )
    if address is None:
        address, _ = await resolve_address(session, PHONE_CHANNEL, phone, phone_channels())
    person = await session.get(Person, address.person_id)
    if person is None:
        raise LookupError(f"person of address {address.id} vanished")
    return person


async def enrol(session: AsyncSession, service: Service, person: Person, source: str) -> bool:
    """Make the person a beneficiary of the service; False if they were one already."""
    return await insert_ignore(
        session, Beneficiary, service_id=service.id, person_id=person.id, source=source
    )


async def join_service(
    session: AsyncSession, person: Person, code: str
) -> tuple[Service, bool] | None:
    """The service whose join code the person sent, and whether they were newly enrolled; None
    (and an audit record) when no service has this code."""
    normalized = normalize_join_code(code)
    service = (
        await session.scalar(select(Service).where(Service.join_code == normalized))
        if normalized
        else None
    )
    if service is None:
        await audit.record(session, person.id, "join_service", "refused", "unknown code")
        return None
    added = await enrol(session, service, person, "code")
    await audit.record(session, person.id, "join_service", "ok", f"service={service.id}")
    return service, added
