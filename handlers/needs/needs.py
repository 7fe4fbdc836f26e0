"""Reporting, supporting and resolving needs — and telling the reporter when their need moves."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.audit import PermissionDenied
from bot.delivery import notify
from bot.i18n import N_, translator
from models import Category, Need, NeedStatus, NeedStatusChange, NeedSupport, Person, Role
from models.db import add_once

STATUS_NAMES = {
    NeedStatus.new: N_("new"),
    NeedStatus.received: N_("received"),
    NeedStatus.in_progress: N_("in progress"),
    NeedStatus.resolved: N_("resolved"),
    NeedStatus.rejected: N_("rejected"),
}


# How far along a need is; a change to a lower step is a step back, which staff explain.
PROGRESS = {
    NeedStatus.new: 0,
    NeedStatus.received: 1,
    NeedStatus.in_progress: 2,
    NeedStatus.resolved: 3,
    NeedStatus.rejected: 3,
}


def is_backwards(old: NeedStatus, new: NeedStatus) -> bool:
    """Whether `new` moves a need back (in progress → received, resolved → in progress)."""
    return PROGRESS[new] < PROGRESS[old]


async def report_need(
    session: AsyncSession,
    person: Person,
    *,
    category_id: int,
    description: str,
    photo_ref: str | None = None,
    place: dict[str, object] | None = None,
) -> Need:
    """Save a need for the person's municipality."""
    if person.municipality_id is None:
        raise PermissionDenied("report_need", "no municipality")
    return await save_need(
        session,
        municipality_id=person.municipality_id,
        category_id=category_id,
        reporter_id=person.id,
        language=person.language or "ky",
        description=description,
        photo_ref=photo_ref,
        place=place,
    )


async def save_need(
    session: AsyncSession,
    *,
    municipality_id: int,
    category_id: int,
    reporter_id: int | None,
    language: str,
    description: str,
    photo_ref: str | None = None,
    place: dict[str, object] | None = None,
) -> Need:
    """Save a need; `reporter_id` is None for one an outside app sent (Open311)."""
    place = place or {}
    need = Need(
        municipality_id=municipality_id,
        category_id=category_id,
        reporter_id=reporter_id,
        language=language,
        description=description,
        photo_ref=photo_ref,
        latitude=place.get("latitude"),
        longitude=place.get("longitude"),
        place=place.get("place"),
    )
    session.add(need)
    await session.flush()
    return need


def support_count() -> Select:
    """Supports per need, as a correlated scalar subquery."""
    return (
        select(func.count(NeedSupport.id))
        .where(NeedSupport.need_id == Need.id)
        .correlate(Need)
        .scalar_subquery()
    )


async def priorities(
    session: AsyncSession, municipality_id: int, limit: int = 30, *, listed_only: bool = False
) -> Sequence[tuple[Need, int]]:
    """Open needs of a municipality, most supported first, then newest; `listed_only` leaves
    out the ones moderators hid (the public pages list none of them)."""
    supports = support_count().label("supports")
    where = [
        Need.municipality_id == municipality_id,
        Need.status.in_([s for s in NeedStatus if s.is_open]),
    ]
    if listed_only:
        where.append(Need.hidden.is_(False))
    rows = await session.execute(
        select(Need, supports)
        .where(*where)
        .order_by(supports.desc(), Need.created_at.desc(), Need.id.desc())
        .limit(limit)
    )
    return [(need, count) for need, count in rows.all()]


async def supports_of(session: AsyncSession, need_id: int) -> int:
    """How many people support a need."""
    return (
        await session.scalar(
            select(func.count(NeedSupport.id)).where(NeedSupport.need_id == need_id)
        )
        or 0
    )


async def supports(session: AsyncSession, person: Person, need: Need) -> bool:
    """Whether `person` supports `need` already."""
    found = await session.scalar(
        select(NeedSupport.id).where(
            NeedSupport.need_id == need.id, NeedSupport.person_id == person.id
        )
    )
    return found is not None


async def support_need(session: AsyncSession, person: Person, need: Need) -> bool:
    """Add the person's support; False if they already support it (or reported it)."""
    if need.reporter_id == person.id:
        return False
    return await add_once(session, NeedSupport(need_id=need.id, person_id=person.id))


async def needs_of(session: AsyncSession, person: Person, limit: int = 20) -> Sequence[Need]:
    """The needs a person reported, newest first."""
    result = await session.scalars(
        select(Need)
        .where(Need.reporter_id == person.id)
        .order_by(Need.created_at.desc(), Need.id.desc())
        .limit(limit)
    )
    return result.all()


async def staff_needs(
    session: AsyncSession,
    staff: Person,
    *,
    status: NeedStatus | None = None,
    category_id: int | None = None,
    limit: int = 100,
) -> Sequence[Need]:
    """The needs of the staff member's municipality (admins: all), newest first."""
    query = select(Need).order_by(Need.created_at.desc(), Need.id.desc()).limit(limit)
    if staff.staff_municipality_id is not None and staff.role != Role.admin:
        query = query.where(Need.municipality_id == staff.staff_municipality_id)
    if status is not None:
        query = query.where(Need.status == status)
    if category_id is not None:
        query = query.where(Need.category_id == category_id)
    return (await session.scalars(query)).all()


async def need_for_staff(session: AsyncSession, staff: Person, need_id: int) -> Need:
    """A need the staff member may act on; refused (and recorded) otherwise."""
    need = await session.get(Need, need_id)
    if need is None or not staff.may_manage(need.municipality_id):
        await audit.record(session, staff.id, "open_need", "refused", f"need={need_id}")
        raise PermissionDenied("open_need", f"need={need_id}")
    return need


async def change_status(
    session: AsyncSession,
    staff: Person,
    need: Need,
    status: NeedStatus,
    comment: str | None,
) -> None:
    """Set a need's status, keep the history, and tell the reporter in their language."""
    if not staff.may_manage(need.municipality_id):
        await audit.record(session, staff.id, "change_status", "refused", f"need={need.id}")
        raise PermissionDenied("change_status", f"need={need.id}")
    if status == NeedStatus.rejected and not comment:
        raise ValueError("a rejection needs a reason")
    if is_backwards(need.status, status) and not comment:
        raise ValueError("a step back needs a reason")
    need.status = status
    if comment:
        need.staff_comment = comment
    session.add(
        NeedStatusChange(need_id=need.id, staff_id=staff.id, status=status, comment=comment)
    )
    await audit.record(session, staff.id, "change_status", "ok", f"need={need.id} status={status}")
    if need.reporter_id is None:
        return
    reporter = await session.get(Person, need.reporter_id)
    if reporter is None:
        return
    await notify.enqueue(session, reporter, status_notice(reporter, need, status, comment))


async def change_statuses(
    session: AsyncSession,
    staff: Person,
    need_ids: Sequence[int],
    status: NeedStatus,
    comment: str | None,
) -> list[Need]:
    """Several needs to one status at once, each reporter told: all of them or, if any is out
    of the staff member's scope (refused and recorded), none."""
    if status == NeedStatus.rejected and not comment:
        raise ValueError("a rejection needs a reason")
    needs = [await need_for_staff(session, staff, need_id) for need_id in dict.fromkeys(need_ids)]
    for need in needs:
        await change_status(session, staff, need, status, comment)
    return needs


def status_notice(reporter: Person, need: Need, status: NeedStatus, comment: str | None) -> str:
    """The message a reporter gets when their need changes status, in their language."""
    tr = translator(reporter.language or "ky")
    text = tr.t(
        N_("Your report {ref} is now: {status}."),
        ref=need.reference,
        status=tr.t(STATUS_NAMES[status]),
    )
    if comment:
        text += "\n" + tr.t(N_("Comment from the municipality: {comment}"), comment=comment)
    return text


async def category_name(session: AsyncSession, category_id: int, language: str) -> str:
    """A category's name in `language`."""
    category = await session.get(Category, category_id)
    return category.name(language) if category else "?"
