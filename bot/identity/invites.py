"""Creating and redeeming the one-time codes that make someone staff or admin."""

from __future__ import annotations

import enum
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from models import Invite, Municipality, Person, Role
from models.base import utcnow
from models.invite import new_invite_code


class RedeemResult(enum.StrEnum):
    """What became of a code someone sent."""

    granted = "granted"
    unknown = "unknown"
    used = "used"
    expired = "expired"


async def create_invite(
    session: AsyncSession, role: Role, municipality_code: str | None, ttl_days: int
) -> Invite:
    """A new code for `role`; staff codes name the municipality they will act for."""
    if role not in (Role.staff, Role.admin):
        raise ValueError("invites grant the staff or admin role")
    municipality_id = None
    if role == Role.staff:
        if not municipality_code:
            raise ValueError("a staff invite needs --municipality CODE")
        municipality = await session.scalar(
            select(Municipality).where(Municipality.code == municipality_code.strip().upper())
        )
        if municipality is None:
            raise ValueError(f"no municipality with code {municipality_code!r}")
        if not municipality.is_leaf_kind:
            raise ValueError(f"{municipality.code} is a {municipality.kind}, not a municipality")
        municipality_id = municipality.id
    invite = Invite(
        code=new_invite_code(),
        role=role,
        municipality_id=municipality_id,
        expires_at=utcnow() + timedelta(days=ttl_days),
    )
    session.add(invite)
    await session.flush()
    return invite


async def redeem_invite(session: AsyncSession, person: Person, code: str) -> RedeemResult:
    """Grant the code's role to `person` if the code is valid, unused and not expired."""
    invite = await session.scalar(select(Invite).where(Invite.code == code).with_for_update())
    if invite is None:
        result = RedeemResult.unknown
    elif invite.redeemed_at is not None:
        result = RedeemResult.used
    elif invite.expires_at < utcnow():
        result = RedeemResult.expired
    else:
        invite.redeemed_at = utcnow()
        invite.redeemed_by = person.id
        if person.role != Role.admin or invite.role == Role.admin:
            person.role = invite.role
        if invite.role == Role.staff:
            person.staff_municipality_id = invite.municipality_id
        result = RedeemResult.granted
    detail = f"invite={invite.id}" if invite else None
    outcome = "ok" if result == RedeemResult.granted else f"refused:{result}"
    await audit.record(session, person.id, "redeem_invite", outcome, detail)
    return result
