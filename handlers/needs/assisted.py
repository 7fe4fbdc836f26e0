"""Assisted entry: staff record a need, or a support, for a resident who came to the office.

With a phone number the resident becomes (or already is) a person reachable by SMS, who gets
the reference number and every update there; their consent is recorded as given at the office,
with the staff member who recorded it. Without one the need or support is anonymous: nothing
personal is kept, so no consent is needed.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.conversation.senders import resolve_address
from bot.delivery import notify
from bot.i18n import N_, translator
from handlers.needs.needs import save_need, support_need
from models import ConsentStatus, Need, NeedSupport, Person
from models.base import utcnow
from models.db import add_once

SMS = "sms"


class AlreadySupported(Exception):
    """This resident reported or already supports the need."""


async def walk_in_person(
    session: AsyncSession, staff: Person, phone: str, language: str, municipality_id: int
) -> Person:
    """The person with this phone number (E.164), made if new, with consent given at the
    office recorded as such (by `staff`)."""
    address, _new = await resolve_address(session, SMS, phone)
    person = await session.get(Person, address.person_id, with_for_update=True)
    assert person is not None
    if person.consent != ConsentStatus.given:
        person.consent = ConsentStatus.given
        person.consent_at = utcnow()
        person.consent_recorded_by = staff.id
    person.language = person.language or language
    person.municipality_id = person.municipality_id or municipality_id
    return person


async def _check_scope(
    session: AsyncSession, staff: Person, municipality_id: int, what: str
) -> None:
    if not staff.may_manage(municipality_id):
        await audit.record(session, staff.id, what, "refused", f"municipality={municipality_id}")
        raise PermissionDenied(what, f"municipality={municipality_id}")


async def record_walk_in_need(
    session: AsyncSession,
    staff: Person,
    *,
    municipality_id: int,
    category_id: int,
    description: str,
    place: str | None,
    phone: str | None,
    language: str,
) -> Need:
    """Save a need told at the office; with `phone`, its reporter is told the number by SMS."""
    await _check_scope(session, staff, municipality_id, "walk_in_need")
    person = (
        await walk_in_person(session, staff, phone, language, municipality_id) if phone else None
    )
    need = await save_need(
        session,
        municipality_id=municipality_id,
        category_id=category_id,
        reporter_id=person.id if person else None,
        language=person.language if person and person.language else language,
        description=description,
        place={"place": place} if place else None,
    )
    reporter = f"person={person.id}" if person else "anonymous"
    await audit.record(session, staff.id, "walk_in_need", "ok", f"need={need.id} {reporter}")
    if person is not None:
        tr = translator(person.language or language)
        text = tr.t(
            N_(
                "Your report was recorded at the municipality office. Its number is {ref}. "
                "You will get its updates here."
            ),
            ref=need.reference,
        )
        await notify.enqueue(session, person, text, channel=SMS)
    return need


async def record_walk_in_support(
    session: AsyncSession, staff: Person, need: Need, *, phone: str | None, language: str
) -> None:
    """Add a support told at the office: the resident's (by phone) or an anonymous one."""
    await _check_scope(session, staff, need.municipality_id, "walk_in_support")
    if phone:
        person = await walk_in_person(session, staff, phone, language, need.municipality_id)
        if not await support_need(session, person, need):
            raise AlreadySupported
        detail = f"person={person.id}"
    else:
        await add_once(session, NeedSupport(need_id=need.id, person_id=None))
        detail = "anonymous"
    await audit.record(session, staff.id, "walk_in_support", "ok", f"need={need.id} {detail}")
