"""A person's place in a conversation between messages, and writing it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam
from sqlalchemy.ext.asyncio import AsyncSession

from bot.conversation.context import Context
from bot.conversation.messages import Capabilities
from bot.settings import Settings
from models import Address, ConversationState, Person
from models.base import utcnow


@dataclass
class Position:
    """Where the person is: the persisted part of ConversationState besides answers and scratch."""

    flow: str | None
    step: str | None
    turn: int
    history: list[str] = field(default_factory=list)
    stack: list[dict[str, Any]] = field(default_factory=list)
    drafts: dict[str, dict[str, Any]] = field(default_factory=dict)
    new_row: bool = False


@dataclass
class Turn:
    """One handled message: the context (replies, person) and the position to write back."""

    ctx: Context
    position: Position

    def state_values(self) -> dict[str, Any]:
        """The conversation_states row after this turn."""
        ctx, position = self.ctx, self.position
        return {
            "person_id": ctx.person.id,
            "flow": position.flow,
            "step": position.step,
            "turn": position.turn,
            "data": {
                "answers": ctx.answers,
                "scratch": ctx.scratch,
                "history": position.history,
                "stack": position.stack,
                "drafts": position.drafts,
            },
            "updated_at": utcnow(),
        }


async def write_states(session: AsyncSession, turns: list[Turn]) -> None:
    """Write back the positions of `turns`: plain INSERTs for newcomers, one batched UPDATE for
    everyone else (no ORM unit of work on this path)."""
    table = ConversationState.__table__
    kept = [t for t in turns if not t.ctx.person_deleted]
    new = [t.state_values() for t in kept if t.position.new_row]
    old = [t.state_values() for t in kept if not t.position.new_row]
    if new:
        await session.execute(table.insert(), new)
    if old:
        await session.execute(
            table.update()
            .where(table.c.person_id == bindparam("pid"))
            .values(
                flow=bindparam("flow"),
                step=bindparam("step"),
                turn=bindparam("turn"),
                data=bindparam("data"),
                updated_at=bindparam("updated_at"),
            ),
            [{**values, "pid": values.pop("person_id")} for values in old],
        )


def open_turn(
    session: AsyncSession,
    settings: Settings,
    person: Person,
    address: Address,
    row: ConversationState | None,
    caps: Capabilities,
) -> tuple[Position, Context]:
    """The position stored in `row` (a fresh one for a newcomer) and the context of a turn."""
    new_row = row is None
    if row is None:
        row = ConversationState(person_id=person.id, turn=0, data={})
    data = dict(row.data or {})
    position = Position(
        flow=row.flow,
        step=row.step,
        turn=row.turn or 0,
        history=list(data.get("history", [])),
        stack=list(data.get("stack", [])),
        drafts=dict(data.get("drafts", {})),
        new_row=new_row,
    )
    ctx = Context(
        session=session,
        settings=settings,
        person=person,
        address=address,
        caps=caps,
        answers=dict(data.get("answers", {})),
        scratch=dict(data.get("scratch", {})),
    )
    return position, ctx
