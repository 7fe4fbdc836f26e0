"""Moving everything of one municipality onto another, when a reform merges or renames units.

Every table that refers to a municipality is found in the models' metadata (as people are in
`bot.identity.linking`), so a table added later moves without anyone listing it here. What is
history stays: the tree (`parent_id`), the successors themselves, where a person was moved
from, and broadcasts already sent (their recipients were chosen when they went). A scheduled
broadcast moves: its audience is chosen when it is sent, and left on the old unit it would
reach nobody, as its people have moved. OCDS releases keep the buyer they were published with:
they are stored as published.
"""

from __future__ import annotations

from sqlalchemy import Column, Table, delete, func, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Base, Broadcast, BroadcastStatus, Municipality, Person

# (table, column) pairs that are history, not work to move
KEPT = {
    ("municipalities", "parent_id"),
    ("municipalities", "successor_id"),
    ("persons", "moved_from_id"),
    (Broadcast.__tablename__, "municipality_id"),
}


def municipality_columns() -> list[tuple[Table, Column]]:
    """Every column that refers to a municipality and moves with it."""
    municipalities = Municipality.__table__
    return [
        (table, fk.parent)
        for table in Base.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column is municipalities.c.id and (table.name, fk.parent.name) not in KEPT
    ]


def _unique_partners(table: Table, column: Column) -> list[list[Column]]:
    found = []
    for constraint in table.constraints:
        columns = list(getattr(constraint, "columns", ()))
        unique = constraint.__class__.__name__ in ("UniqueConstraint", "PrimaryKeyConstraint")
        if unique and column in columns and len(columns) > 1:
            found.append([c for c in columns if c is not column])
    return found


async def move_municipality(
    session: AsyncSession, old: Municipality, new: Municipality
) -> dict[str, int]:
    """Move every row of `old` onto `new` and make `new` its successor; rows per table moved.

    Where one row is allowed per municipality and something else (an NGO's work area, a
    subscription) and both have one, `new`'s stays and `old`'s goes. Residents of `old` are
    marked to be told once (`persons.moved_from_id`)."""
    if old.id == new.id:
        raise ValueError("a unit cannot be its own successor")
    moved: dict[str, int] = {}
    await session.execute(
        update(Person)
        .where(Person.municipality_id == old.id, Person.moved_from_id.is_(None))
        .values(moved_from_id=old.id)
    )
    for table, column in municipality_columns():
        for partners in _unique_partners(table, column):
            theirs = tuple_(*partners)
            mine = select(*partners).where(column == new.id)
            await session.execute(delete(table).where(column == old.id, theirs.in_(mine)))
        count = await session.scalar(
            select(func.count()).select_from(table).where(column == old.id)
        )
        if count:
            await session.execute(
                update(table).where(column == old.id).values({column.key: new.id})
            )
            key = f"{table.name}.{column.name}"
            moved[key] = moved.get(key, 0) + count
    waiting = (Broadcast.municipality_id == old.id) & (
        Broadcast.status == BroadcastStatus.scheduled
    )
    scheduled = await session.scalar(select(func.count()).select_from(Broadcast).where(waiting))
    if scheduled:
        await session.execute(update(Broadcast).where(waiting).values(municipality_id=new.id))
        key = "broadcasts.municipality_id (scheduled)"
        moved[key] = moved.get(key, 0) + scheduled
    # units that had `old` as successor lead straight to `new`
    await session.execute(
        update(Municipality).where(Municipality.successor_id == old.id).values(successor_id=new.id)
    )
    old.successor_id = new.id
    await session.flush()
    return moved
