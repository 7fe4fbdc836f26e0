"""The public pages of places: the start page (choose oblast → rayon → municipality, or search
as in the bot, and the country's figures) and a municipality's page, composed of the sections
the other domains declare for "municipality" (their subject: the `Municipality`)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from bot.i18n import N_
from bot.web.public.pages import PublicLink, PublicPages
from bot.web.public.site import PublicSite
from bot.web.public.visit import PublicProblem, Visit
from handlers.places.register import units
from handlers.places.search import MAX_LENGTH, current, label, path, search
from models import Municipality

TEMPLATES = Path(__file__).resolve().parent / "templates" / "public"
UNKNOWN_PLACE = (
    N_("There is no such municipality"),
    N_("Check the address, or find the municipality in the list of municipalities."),
)


async def register(visit: Visit) -> list[Municipality]:
    """The register (every unit, current and merged), kept a while: it changes by hand only."""
    return await visit.cached(("places", "register"), lambda: units(visit.session))


def place_link(unit: Municipality) -> str:
    """A municipality's page, or for an oblast or rayon its list of units."""
    return f"/m/{unit.code}" if unit.is_leaf_kind else f"/?in={unit.code}"


def _by_name(found: list[Municipality], language: str) -> list[Municipality]:
    return sorted(found, key=lambda u: u.name(language).casefold())


def build(site: PublicSite) -> APIRouter:
    """GET / and GET /m/{code}."""
    router = APIRouter()

    @router.get("/")
    async def home(visit: Visit = site.visit) -> Response:
        """Where to start: the units to choose from (or those a search found), and the country."""
        every = await register(visit)
        by_id = {u.id: u for u in every}
        lang = visit.language
        within = visit.query("in").upper()
        typed = visit.query("q")[:MAX_LENGTH]
        parent = None
        if within:
            parent = next((u for u in every if u.code == within), None)
            if parent is None:
                raise PublicProblem(404, *UNKNOWN_PLACE)
            standing = current(parent, by_id)
            if standing is not parent:
                return RedirectResponse(place_link(standing), status_code=301)
        if typed:
            found = search(every, typed).units
            choices = [(u, label(u, by_id, lang)) for u in found]
        else:
            level = [u for u in every if u.is_current and u.parent_id == (parent and parent.id)]
            choices = [(u, u.name(lang)) for u in _by_name(level, lang)]
        crumbs = [] if parent is None else [*reversed(_above(parent, by_id)), parent]
        return visit.render(
            "places/home.html",
            title=visit.t(N_("Public pages of municipalities"))
            if parent is None
            else parent.name(lang),
            description=visit.t(
                N_(
                    "What residents asked their municipality for, what it did, its tenders and "
                    "what the people its services reached said."
                )
            ),
            parent=parent,
            crumbs=crumbs,
            typed=typed,
            choices=[(unit, text, place_link(unit)) for unit, text in choices],
            country=await visit.sections("country", None) if parent is None and not typed else [],
        )

    @router.get("/m/{code}")
    async def municipality(code: str, visit: Visit = site.visit) -> Response:
        """A municipality's page: each domain's section about it, in order."""
        every = await register(visit)
        by_id = {u.id: u for u in every}
        unit = next((u for u in every if u.code == code.strip().upper()), None)
        if unit is None:
            raise PublicProblem(404, *UNKNOWN_PLACE)
        standing = current(unit, by_id)
        if standing is not unit or not unit.is_leaf_kind or code != unit.code:
            return RedirectResponse(place_link(standing), status_code=301)
        lang = visit.language
        name = unit.name(lang)
        return visit.render(
            "places/municipality.html",
            title=name,
            description=visit.t(
                N_(
                    "{place}: what residents asked for and supported, what the municipality "
                    "did, its tenders and what the people its services reached said."
                ),
                place=label(unit, by_id, lang),
            ),
            unit=unit,
            above=path(unit, by_id, lang),
            crumbs=[*reversed(_above(unit, by_id))],
            # composed once a while per language: a shared link read by thousands queries
            # each domain once per PUBLIC_CACHE_SECONDS, not once per reader
            sections=await visit.cached(
                ("places", "municipality", unit.id, lang),
                lambda: visit.sections("municipality", unit),
            ),
        )

    return router


def _above(unit: Municipality, by_id: dict[int, Municipality]) -> list[Municipality]:
    found = []
    parent = by_id.get(unit.parent_id or 0)
    while parent is not None:
        found.append(parent)
        parent = by_id.get(parent.parent_id or 0)
    return found


PUBLIC = PublicPages(
    "places",
    build,
    TEMPLATES,
    nav=(PublicLink("/", N_("Municipalities"), 10),),
)
