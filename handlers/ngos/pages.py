"""The NGO applications pages of the staff workspace: the NGOs that registered in the bot and
work in the staff member's municipality (admins: all), pending first, and approving or rejecting
one with a reason — through the service the bot's "ngo_review" flow calls (handlers.ngos.ngos),
which checks the role and scope again and tells the NGO's members, in their language."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from bot.i18n import N_
from bot.times import local_time
from bot.web.choices import as_id, municipalities
from bot.web.desk import Desk, PageProblem
from bot.web.pages import NavLink, Pages
from bot.web.workspace import Workspace
from handlers.ngos.ngos import (
    AlreadyDecided,
    approve_organization,
    category_ids_of,
    members_of,
    municipality_ids_of,
    organization_for_staff,
    organizations_for_staff,
    reject_organization,
)
from models import Category, Municipality, Organization, OrganizationStatus, Role

TEMPLATES = Path(__file__).resolve().parent / "templates"

STATUS_NAMES = {
    OrganizationStatus.pending: N_("Waiting for review"),
    OrganizationStatus.approved: N_("Approved"),
    OrganizationStatus.rejected: N_("Rejected"),
}
# the workspace's status colours: waiting as a new need, approved as resolved
STATUS_STYLES = {
    OrganizationStatus.pending: "new",
    OrganizationStatus.approved: "resolved",
    OrganizationStatus.rejected: "rejected",
}
ASK_REASON = N_("Write the reason for the rejection. The NGO will see it.")
DECIDED = N_("Someone has decided on this application already.")


async def _in_scope(desk: Desk, organization_id: int, action: str) -> Organization:
    """The NGO if the person may review it: 404 when there is none, 403 (recorded) for an NGO
    that does not work in their municipality."""
    if await desk.session.get(Organization, organization_id) is None:
        raise PageProblem(
            404,
            N_("There is no such NGO"),
            N_("Check the number, or go back to the list of NGO applications."),
        )
    return await organization_for_staff(desk.session, desk.person, organization_id, action)


async def _names(desk: Desk, model: Any, ids: list[int]) -> str:
    """“Barpy, Pokrovka”: municipalities or sectors by name in the page's language."""
    rows = [await desk.session.get(model, i) for i in ids]
    return ", ".join(row.name(desk.language) for row in rows if row is not None) or "—"


async def _render(
    desk: Desk,
    organization: Organization,
    status_code: int = 200,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
) -> HTMLResponse:
    """An NGO's page; after a refused form, its error next to the field and what was typed."""
    session, zone = desk.session, desk.workspace.settings.timezone
    return desk.render(
        "ngos/ngo.html",
        status_code=status_code,
        organization=organization,
        status_name=desk.t(STATUS_NAMES[organization.status]),
        status_style=STATUS_STYLES[organization.status],
        places=await _names(
            desk, Municipality, await municipality_ids_of(session, organization.id)
        ),
        sectors=await _names(desk, Category, await category_ids_of(session, organization.id)),
        members=len(await members_of(session, organization.id)),
        when=lambda moment: local_time(moment, zone),
        errors=errors or {},
        typed=typed or {},
    )


def build(workspace: Workspace) -> APIRouter:
    """GET /staff/ngos/, GET /staff/ngos/{id}, POST …/approve and …/reject."""
    router = APIRouter(prefix="/ngos")
    zone = workspace.settings.timezone

    @router.get("/")
    async def ngo_list(desk: Desk = workspace.signed_in, municipality: str = "") -> Response:
        """The NGOs the person may review: waiting ones first, then the decided ones; admins
        may keep to the NGOs of one municipality."""
        admin = desk.person.role == Role.admin
        places = await municipalities(desk.session, desk.language) if admin else []
        chosen = as_id(municipality, [m.id for m in places]) if admin else None
        found = await organizations_for_staff(desk.session, desk.person, municipality_id=chosen)
        waiting = sum(1 for o in found if o.status == OrganizationStatus.pending)
        return desk.render(
            "ngos/list.html",
            admin=admin,
            municipalities=places,
            chosen=chosen,
            organizations=found,
            waiting=waiting,
            status_name=lambda status: desk.t(STATUS_NAMES[status]),
            status_style=STATUS_STYLES,
            when=lambda moment: local_time(moment, zone),
        )

    @router.get("/{organization_id}")
    async def ngo_page(organization_id: int, desk: Desk = workspace.signed_in) -> Response:
        """One NGO's application: who it is, where it works, and the decision."""
        return await _render(desk, await _in_scope(desk, organization_id, "open_organization"))

    @router.post("/{organization_id}/approve")
    async def approve(organization_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Approve: a join code, and the members become NGO members and are told."""
        organization = await _in_scope(desk, organization_id, "approve_organization")
        try:
            await approve_organization(desk.session, desk.person, organization_id)
        except AlreadyDecided:
            return await _render(desk, organization, 409, {"decision": DECIDED})
        notice = desk.t(
            N_("“{name}” is approved, and its members have been told. Their join code: {code}."),
            name=organization.name,
            code=organization.join_code,
        )
        return desk.redirect(f"/staff/ngos/{organization_id}", notice)

    @router.post("/{organization_id}/reject")
    async def reject(organization_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Reject with a reason (3 to 500 characters, as in the bot), which the members read."""
        organization = await _in_scope(desk, organization_id, "reject_organization")
        typed = {"reason": desk.field("reason")}
        if len(typed["reason"]) < 3:
            return await _render(desk, organization, 422, {"reason": ASK_REASON}, typed)
        if len(typed["reason"]) > 500:
            errors = {"reason": N_("At most 500 characters.")}
            return await _render(desk, organization, 422, errors, typed)
        try:
            await reject_organization(desk.session, desk.person, organization_id, typed["reason"])
        except AlreadyDecided:
            return await _render(desk, organization, 409, {"decision": DECIDED}, typed)
        notice = desk.t(
            N_("“{name}” is rejected, and its members have been told the reason."),
            name=organization.name,
        )
        return desk.redirect(f"/staff/ngos/{organization_id}", notice)

    return router


PAGES = Pages("ngos", build, TEMPLATES, (NavLink("/ngos/", N_("NGOs"), 25),))
