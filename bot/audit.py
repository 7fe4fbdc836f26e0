"""Recording refused and sensitive actions: ids only, never a phone number or a name."""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEvent

log = logging.getLogger("kenesh.audit")


class PermissionDenied(Exception):
    """The person may not do this; `action` names it for the audit trail."""

    def __init__(self, action: str, detail: str | None = None) -> None:
        super().__init__(action)
        self.action = action
        self.detail = detail


async def record(
    session: AsyncSession,
    person_id: int | None,
    action: str,
    outcome: str,
    detail: str | None = None,
) -> None:
    """Write one audit event and log it (by person id)."""
    session.add(AuditEvent(person_id=person_id, action=action, outcome=outcome, detail=detail))
    log.info("audit person=%s action=%s outcome=%s %s", person_id, action, outcome, detail or "")
