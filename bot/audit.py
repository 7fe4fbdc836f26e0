"""Recording refused and sensitive actions: ids only, never a phone number or a name."""

from __future__ import annotations

import logging
from contextvars import ContextVar

from sqlalchemy.ext.asyncio import AsyncSession

from models import AuditEvent

log = logging.getLogger("kenesh.audit")

# Where the action came from when it is not the bot: the web workspace sets the page
# ("/staff/needs/12"), so every event a service records while serving it names the page.
PAGE: ContextVar[str | None] = ContextVar("audit_page", default=None)
DETAIL_LENGTH = 300


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
    """Write one audit event and log it (by person id); `page=` is added when a web page asked."""
    page = PAGE.get()
    if page is not None:
        detail = f"{detail} page={page}" if detail else f"page={page}"
    if detail is not None and len(detail) > DETAIL_LENGTH:
        detail = detail[: DETAIL_LENGTH - 1] + "…"
    session.add(AuditEvent(person_id=person_id, action=action, outcome=outcome, detail=detail))
    log.info("audit person=%s action=%s outcome=%s %s", person_id, action, outcome, detail or "")
