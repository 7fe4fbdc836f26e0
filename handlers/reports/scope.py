"""Who may see whose figures: staff their own municipality, admins any one or all of them.

Checked here, in the service, whatever the flow offered, so a hand-made request (an old button,
a forged link) is refused the same way; every refusal is written to the audit trail.
"""

from __future__ import annotations

from typing import NoReturn

from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from models import Person, Role, Service


async def _refuse(session: AsyncSession, person: Person, action: str, detail: str) -> NoReturn:
    await audit.record(session, person.id, action, "refused", detail)
    raise PermissionDenied(action, detail)


async def municipality_scope(
    session: AsyncSession, person: Person, municipality_id: int | None, report: str
) -> int | None:
    """The municipality `person` may see `report` for (None: all, admins only); refused and
    audited otherwise."""
    if person.role == Role.admin:
        return municipality_id
    if municipality_id is not None and person.is_staff and person.may_manage(municipality_id):
        return municipality_id
    await _refuse(session, person, f"report:{report}", f"municipality={municipality_id}")


async def service_in_scope(session: AsyncSession, person: Person, service_id: int) -> Service:
    """The service whose survey results `person` asked for, when it is in their scope; refused
    and audited otherwise (an unknown id is refused alike, so ids cannot be probed)."""
    service = await session.get(Service, service_id)
    if service is not None and person.is_staff and person.may_manage(service.municipality_id):
        return service
    await _refuse(session, person, "report:surveys", f"service={service_id}")
