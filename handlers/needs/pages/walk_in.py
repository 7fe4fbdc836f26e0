"""Walk-in entry: a need told at the office, recorded for the resident."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from bot.i18n import LANGUAGE_NAMES, N_
from bot.web.choices import as_id, as_phone, categories, municipalities
from bot.web.desk import Desk
from bot.web.workspace import Workspace
from handlers.needs.assisted import record_walk_in_need
from models import Role

DESCRIPTION_LENGTH = 2000
PLACE_LENGTH = 300


def routes(workspace: Workspace) -> APIRouter:
    """The walk-in form and what it saves."""
    router = APIRouter()

    async def render(
        desk: Desk, status_code: int = 200, errors: dict[str, str] | None = None, typed=None
    ) -> Response:
        admin = desk.person.role == Role.admin
        return desk.render(
            "needs/walk_in.html",
            status_code=status_code,
            errors=errors or {},
            typed=typed or {},
            categories=await categories(desk.session),
            municipalities=await municipalities(desk.session, desk.language) if admin else [],
            admin=admin,
        )

    @router.get("/walk-in")
    async def form(desk: Desk = workspace.signed_in) -> Response:
        """The empty form."""
        return await render(desk)

    @router.post("/walk-in")
    async def save(desk: Desk = workspace.signed_in) -> Response:
        """Check every field, say what is wrong next to it, or save and open the need."""
        typed = {
            name: desk.field(name)
            for name in (
                "category",
                "municipality",
                "description",
                "place",
                "phone",
                "language",
                "consent",
            )
        }
        errors: dict[str, str] = {}
        kinds = await categories(desk.session)
        category_id = as_id(typed["category"], [c.id for c in kinds])
        if category_id is None:
            errors["category"] = N_("Choose a category.")
        if desk.person.role == Role.admin:
            places = await municipalities(desk.session, desk.language)
            municipality_id = as_id(typed["municipality"], [m.id for m in places])
            if municipality_id is None:
                errors["municipality"] = N_("Choose the municipality.")
        else:
            municipality_id = desk.person.staff_municipality_id
        description = typed["description"]
        if len(description) < 5:
            errors["description"] = N_("Write what the resident needs, in a few words at least.")
        elif len(description) > DESCRIPTION_LENGTH:
            errors["description"] = N_("At most 2000 characters.")
        if len(typed["place"]) > PLACE_LENGTH:
            errors["place"] = N_("At most 300 characters.")
        phone = as_phone(typed["phone"])
        if typed["phone"] and phone is None:
            errors["phone"] = N_(
                "This phone number does not look right. Write it like 0555 123 456."
            )
        if phone and not typed["consent"]:
            errors["consent"] = N_("With a phone number, the resident's consent is needed.")
        language = typed["language"] if typed["language"] in LANGUAGE_NAMES else desk.language
        if errors or municipality_id is None or category_id is None:
            return await render(desk, 422, errors, typed)
        need = await record_walk_in_need(
            desk.session,
            desk.person,
            municipality_id=municipality_id,
            category_id=category_id,
            description=description,
            place=typed["place"] or None,
            phone=phone,
            language=language,
        )
        notice = desk.t(N_("Recorded as {ref}. Give the resident this number."), ref=need.reference)
        if phone:
            notice += " " + desk.t(N_("They will also get it by SMS, with every update."))
        return desk.redirect(f"/staff/needs/{need.id}", notice)

    return router
