"""flow names of the domains

The staff flows took the names of their modules when the flows moved into domain packages:
"tenders" is staff_tenders, "services" is staff_services, "my_reports" is my_needs. People in
the middle of one keep their place: the stored position, the stack of where they came from
and the drafts are renamed with it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 10:40:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RENAMED = {"tenders": "staff_tenders", "services": "staff_services", "my_reports": "my_needs"}

states = sa.table(
    "conversation_states",
    sa.column("person_id", sa.Integer),
    sa.column("flow", sa.String),
    sa.column("data", sa.JSON),
)


def _rename(names: dict[str, str]) -> None:
    connection = op.get_bind()
    mentioned = sa.or_(
        states.c.flow.in_(list(names)),
        *(sa.cast(states.c.data, sa.Text).like(f'%"{name}"%') for name in names),
    )
    for person_id, flow, data in connection.execute(sa.select(states).where(mentioned)).all():
        data = dict(data or {})
        stack = [
            {**entry, "flow": names.get(entry.get("flow"), entry.get("flow"))}
            for entry in data.get("stack", [])
        ]
        drafts = {names.get(name, name): draft for name, draft in data.get("drafts", {}).items()}
        changed: dict[str, Any] = {}
        if flow in names:
            changed["flow"] = names[flow]
        if stack != data.get("stack", []) or drafts != data.get("drafts", {}):
            changed["data"] = {**data, "stack": stack, "drafts": drafts}
        if changed:
            connection.execute(
                states.update().where(states.c.person_id == person_id).values(**changed)
            )


def upgrade() -> None:
    _rename(RENAMED)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMED.items()})
