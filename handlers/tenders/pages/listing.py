"""The tenders of the staff member's municipality (admins: all, or one), filtered and by pages,
and a new draft."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot.i18n import N_
from bot.times import local_time
from bot.web.choices import as_id, categories, municipalities
from bot.web.desk import Desk
from bot.web.workspace import Workspace
from handlers.tenders.flows.tender_steps import STATUS_NAMES
from handlers.tenders.lists import PAGE_SIZE, TenderFilter, find_tenders
from handlers.tenders.pages.forms import check_lengths, read_budget, read_deadline, read_link
from handlers.tenders.tenders import Draft, create_tender
from models import Municipality, Role, TenderStatus

FIELDS = (
    "municipality",
    "title",
    "description",
    "category",
    "budget",
    "deadline",
    "how_to_apply",
    "document_url",
)


def read_filter(params: dict[str, str]) -> tuple[TenderFilter, dict[str, str]]:
    """The list's filter from the query string; what cannot be read is named in `errors` (the
    field → a msgid) and left out, never a failed page."""
    errors: dict[str, str] = {}
    status = params.get("status", "")
    if status and status not in TenderStatus.__members__:
        errors["status"] = N_("Choose a status from the list.")

    def number(name: str) -> int | None:
        text = params.get(name, "").strip()
        if text.isdecimal() and text.isascii() and len(text) < 10:
            return int(text)
        return None

    wanted = TenderFilter(
        status=TenderStatus(status) if status in TenderStatus.__members__ else None,
        category_id=number("category"),
        municipality_id=number("municipality"),
        search=params.get("q", "")[:200],
        page=max(1, number("page") or 1),
    )
    return wanted, errors


def _page_url(params: dict[str, str], **changes: Any) -> str:
    merged = {**params, **{k: str(v) for k, v in changes.items()}}
    return "/staff/tenders/?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})


def routes(workspace: Workspace) -> APIRouter:
    """The list of tenders and the new-draft form."""
    router = APIRouter()

    @router.get("/")
    async def tender_list(request: Request, desk: Desk = workspace.signed_in) -> Response:
        """The tenders the person may manage that match the filter, newest first, by pages."""
        params = dict(request.query_params)
        wanted, errors = read_filter(params)
        found, total = await find_tenders(desk.session, desk.person, wanted)
        places = {
            m.id: m.name(desk.language)
            for m in [
                await desk.session.get(Municipality, i) for i in {t.municipality_id for t in found}
            ]
            if m is not None
        }
        zone = workspace.settings.timezone
        admin = desk.person.role == Role.admin
        return desk.render(
            "tenders/list.html",
            tenders=found,
            total=total,
            page=wanted.page,
            pages=max(1, -(-total // PAGE_SIZE)),
            params=params,
            errors=errors,
            statuses=list(TenderStatus),
            categories=await categories(desk.session),
            municipalities=await municipalities(desk.session, desk.language) if admin else [],
            admin=admin,
            places=places,
            page_url=lambda **changes: _page_url(params, **changes),
            status_name=lambda status: desk.tr.tp("tender", STATUS_NAMES[status]),
            when=lambda moment: local_time(moment, zone),
        )

    async def render_form(
        desk: Desk, status_code: int = 200, errors: dict[str, str] | None = None, typed=None
    ) -> Response:
        admin = desk.person.role == Role.admin
        return desk.render(
            "tenders/new.html",
            status_code=status_code,
            errors=errors or {},
            typed=typed or {},
            categories=await categories(desk.session),
            municipalities=await municipalities(desk.session, desk.language) if admin else [],
            admin=admin,
        )

    @router.get("/new")
    async def new_form(desk: Desk = workspace.signed_in) -> Response:
        """The empty form of a new tender."""
        return await render_form(desk)

    @router.post("/new")
    async def save_draft(desk: Desk = workspace.signed_in) -> Response:
        """Check every field as the bot does, say what is wrong next to it, or save the draft
        (only staff see it) and open it."""
        typed = {name: desk.field(name) for name in FIELDS}
        errors: dict[str, str] = {}
        kinds = await categories(desk.session)
        category_id = as_id(typed["category"], [c.id for c in kinds])
        if category_id is None:
            errors["category"] = N_("Choose a sector.")
        municipality_id: Any = desk.person.staff_municipality_id
        if desk.person.role == Role.admin:
            places = await municipalities(desk.session, desk.language)
            municipality_id = as_id(typed["municipality"], [m.id for m in places])
            if municipality_id is None:
                errors["municipality"] = N_("Choose the municipality.")
        check_lengths(typed, errors)
        budget = read_budget(typed["budget"], errors, "budget")
        deadline = read_deadline(desk, typed["deadline"], errors, "deadline")
        link = read_link(typed["document_url"], errors, "document_url")
        if errors or None in (budget, deadline, category_id, municipality_id):
            return await render_form(desk, 422, errors, typed)
        tender = await create_tender(
            desk.session,
            desk.person,
            Draft(
                municipality_id=municipality_id,
                category_id=category_id,
                title=typed["title"],
                description=typed["description"],
                budget=budget,
                deadline=deadline,
                how_to_apply=typed["how_to_apply"],
                document_url=link,
                language=desk.language,
            ),
            source="web",
        )
        notice = desk.t(
            N_("Tender {ref} is saved as a draft. Only staff see it until it is published."),
            ref=tender.reference,
        )
        return desk.redirect(f"/staff/tenders/{tender.id}", notice)

    return router
