"""Linking a verified phone number to a person, merging two records of the same human.

Someone who wrote by SMS and later shares the same phone on Telegram is one person: their
addresses, reports, supports and history end up on the record that is talking now.
"""

from __future__ import annotations

from sqlalchemy import Column, Table, delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.channels import REGISTRY
from models import Address, Base, ConsentStatus, ConversationState, Person, Role
from models.db import insert_ignore

PHONE_CHANNEL = "sms"  # where a linked number is reached when no channel has it yet
RANK = {Role.resident: 0, Role.ngo_member: 1, Role.staff: 2, Role.admin: 3}


def phone_channels() -> frozenset[str]:
    """The channels whose addresses are verified phone numbers (SMS, WhatsApp)."""
    return REGISTRY.phone_channels() | {PHONE_CHANNEL}


async def link_phone(session: AsyncSession, person: Person, phone: str) -> bool:
    """Attach `phone` (E.164, verified as the person's own) to `person`; True if it was new to them.

    Whoever else has that number on a phone channel (SMS, WhatsApp) is the same human: their
    record is merged into this one, people locked in id order.

    `person` is locked (it is the one talking). Two chats may share one number at the same
    moment, in two processes: a new number is claimed with one INSERT … ON CONFLICT DO NOTHING,
    which waits for a concurrent claim to commit, and otherwise its rows are locked before
    their owners are read, so whoever comes second merges the first's record and never works
    on a person who is gone."""
    where = (Address.channel.in_(phone_channels()), Address.value == phone)
    addresses = (await session.scalars(select(Address).where(*where))).all()
    if addresses and all(a.person_id == person.id for a in addresses):
        return False  # ours already, and ours to keep: we hold our own lock
    if not addresses and await insert_ignore(
        session, Address, person_id=person.id, channel=PHONE_CHANNEL, value=phone
    ):
        await audit.record(session, person.id, "link_phone", "ok")
        return True
    addresses = (
        await session.scalars(
            select(Address)
            .where(*where)
            .order_by(Address.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    ).all()
    if not addresses:  # its owner deleted their data meanwhile: the number is free again
        return await link_phone(session, person, phone)
    others = sorted({a.person_id for a in addresses} - {person.id})
    for other_id in others:
        other = await session.get(Person, other_id, with_for_update=True, populate_existing=True)
        if other is not None:
            await merge_people(session, keep=person, other=other)
    return bool(others)


def person_columns() -> list[tuple[Table, Column]]:
    """Every column of every table that refers to a person, read from the models' metadata: a
    table added later is merged without anyone remembering to list it here."""
    persons = Person.__table__
    return [
        (table, fk.parent)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column is persons.c.id and table is not persons
    ]


def _unique_partners(table: Table, column: Column) -> list[list[Column]]:
    """The other columns of each unique constraint (or primary key) that `column` is part of:
    one support per need and person, one subscription per person, municipality and sector…"""
    found = []
    for constraint in table.constraints:
        columns = list(getattr(constraint, "columns", ()))
        unique = constraint.__class__.__name__ in ("UniqueConstraint", "PrimaryKeyConstraint")
        if unique and column in columns:
            found.append([c for c in columns if c is not column])
    return found


async def merge_people(session: AsyncSession, keep: Person, other: Person) -> None:
    """Move everything of `other` onto `keep`, then delete `other`.

    Where a unique constraint allows one row per person (one support per need, one answer per
    question…) and both have one, keep's stays and other's goes. `other`'s conversation goes:
    the person is talking as `keep` now."""
    await session.execute(delete(ConversationState).where(ConversationState.person_id == other.id))
    for table, column in person_columns():
        if table is ConversationState.__table__:
            continue
        for partners in _unique_partners(table, column):
            if not partners:
                continue  # the person alone is unique: not a table of several rows each
            theirs = tuple_(*partners)
            mine = select(*partners).where(column == keep.id)
            await session.execute(delete(table).where(column == other.id, theirs.in_(mine)))
        await session.execute(update(table).where(column == other.id).values({column.key: keep.id}))
    if RANK[other.role] > RANK[keep.role]:
        keep.role, keep.staff_municipality_id = other.role, other.staff_municipality_id
    keep.language = keep.language or other.language
    keep.municipality_id = keep.municipality_id or other.municipality_id
    keep.organization_id = keep.organization_id or other.organization_id
    if keep.consent == ConsentStatus.unknown:
        keep.consent, keep.consent_at = other.consent, other.consent_at
    await session.flush()
    other_id = other.id
    session.expunge(other)
    await session.execute(delete(Person).where(Person.id == other_id))
    await audit.record(session, keep.id, "merge_person", "ok", f"merged={other_id}")
