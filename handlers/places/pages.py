"""The places page of the staff workspace, for admins: the places residents typed that the
register lacks, most typed first, with where they went on — what to add to the register."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import Response

from bot.i18n import N_
from bot.web.desk import Desk
from bot.web.pages import NavLink, Pages, admins
from bot.web.workspace import Workspace
from handlers.places.register import units, unlisted_places
from handlers.places.search import label

TEMPLATES = Path(__file__).resolve().parent / "templates"


def build(workspace: Workspace) -> APIRouter:
    """GET /staff/places/unlisted."""
    router = APIRouter(prefix="/places")

    @router.get("/unlisted")
    async def unlisted(desk: Desk = workspace.signed_in) -> Response:
        """Every place typed that the register lacks, with how many typed it."""
        await desk.require(admins, "places_unlisted")
        by_id = {u.id: u for u in await units(desk.session)}
        rows = [
            (text, label(unit, by_id, desk.language), count)
            for text, unit, count in await unlisted_places(desk.session)
        ]
        return desk.render("places/unlisted.html", rows=rows)

    return router


PAGES = Pages(
    "places",
    build,
    TEMPLATES,
    (NavLink("/places/unlisted", N_("Places not in the list"), 80, admins),),
)
