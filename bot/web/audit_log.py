"""The audit log page, for admins: every recorded action and refusal, newest first, filtered
by action, outcome, person or page."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import func, select

from bot.i18n import N_
from bot.times import local_time
from bot.web.desk import Desk
from bot.web.pages import NavLink, Pages, admins
from bot.web.workspace import Workspace
from models import AuditEvent

PAGE_SIZE = 100


def routes(workspace: Workspace) -> APIRouter:
    """GET /staff/audit/."""
    router = APIRouter()

    @router.get("/audit/")
    async def audit_log(request: Request, desk: Desk = workspace.signed_in) -> Response:
        """One page of audit events matching the filter."""
        await desk.require(admins, "audit_log")
        params = dict(request.query_params)
        query = select(AuditEvent)
        action, outcome = params.get("action", "").strip(), params.get("outcome", "").strip()
        person, text = params.get("person", "").strip(), params.get("q", "").strip()[:100]
        errors: dict[str, str] = {}
        if action:
            query = query.where(AuditEvent.action == action)
        if outcome:
            query = query.where(AuditEvent.outcome == outcome)
        if person:
            if person.isdecimal() and len(person) < 10:
                query = query.where(AuditEvent.person_id == int(person))
            else:
                errors["person"] = N_("Write a whole number, like 5.")
        if text:
            query = query.where(AuditEvent.detail.contains(text, autoescape=True))
        total = await desk.session.scalar(select(func.count()).select_from(query.subquery()))
        page = (
            int(params["page"])
            if params.get("page", "").isdecimal() and len(params["page"]) < 7
            else 1
        )
        events = (
            await desk.session.scalars(
                query.order_by(AuditEvent.id.desc())
                .limit(PAGE_SIZE)
                .offset((max(page, 1) - 1) * PAGE_SIZE)
            )
        ).all()
        actions = (
            await desk.session.scalars(
                select(AuditEvent.action).distinct().order_by(AuditEvent.action)
            )
        ).all()
        zone = workspace.settings.timezone
        return desk.render(
            "audit.html",
            events=events,
            total=total or 0,
            page=page,
            pages=max(1, -(-(total or 0) // PAGE_SIZE)),
            params=params,
            actions=actions,
            errors=errors,
            when=lambda moment: local_time(moment, zone),
            page_url=lambda n: "/staff/audit/?" + urlencode({**params, "page": n}),
        )

    return router


# The platform's own page: its template is among the platform's (bot/web/templates).
PAGES = Pages("audit", routes, None, (NavLink("/audit/", N_("Audit log"), 900, admins),))
