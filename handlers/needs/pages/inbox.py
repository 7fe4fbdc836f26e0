"""The needs inbox: filter, search, sort, page, select several and change their status at
once; and the same list as CSV."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import Response

from bot import audit
from bot.i18n import N_
from bot.times import local_time, parse_date
from bot.web.choices import categories, municipalities
from bot.web.desk import Desk, local_path
from bot.web.workspace import Workspace
from handlers.needs.inbox import PAGE_SIZE, SORTS, InboxFilter, export_rows, inbox, needs_csv
from handlers.needs.needs import STATUS_NAMES, change_statuses
from handlers.needs.pages.common import SETTABLE
from models import NeedStatus, Role

OPEN = "open"
COMMENT_LENGTH = 500
SORT_NAMES = {
    "created": N_("Date reported"),
    "updated": N_("Last change"),
    "supports": N_("Supports"),
    "status": N_("Status"),
    "category": N_("Category"),
}


def read_filter(params: dict[str, str], zone: str) -> tuple[InboxFilter, dict[str, str]]:
    """The inbox's filter from the query string; what cannot be read is named in `errors`
    (the field's name → a msgid) and left out, never a failed page."""
    errors: dict[str, str] = {}
    status = params.get("status", OPEN)
    statuses: tuple[NeedStatus, ...] = ()
    if status == OPEN:
        statuses = tuple(s for s in NeedStatus if s.is_open)
    elif status in NeedStatus.__members__:
        statuses = (NeedStatus(status),)
    elif status not in ("", "all"):
        errors["status"] = N_("Choose a status from the list.")

    def number(name: str) -> int | None:
        text = params.get(name, "").strip()
        if not text:
            return None
        if text.isdecimal() and len(text) < 10:
            return int(text)
        errors[name] = N_("Write a whole number, like 5.")
        return None

    def day(name: str):
        text = params.get(name, "").strip()
        if not text:
            return None
        found = parse_date(text)
        if found is None:
            errors[name] = N_("Write a date like 15.01.2027.")
        return found

    since, until = day("since"), day("until")
    if since and until and since > until:
        errors["until"] = N_("This date is before the first one.")
        until = None
    sort = params.get("sort", "created")
    page = number("page") or 1
    wanted = InboxFilter(
        statuses=statuses,
        category_id=number("category"),
        municipality_id=number("municipality"),
        since=since,
        until=until,
        min_supports=number("supports"),
        search=params.get("q", "")[:200],
        sort=sort if sort in SORTS else "created",
        descending=params.get("order", "desc") != "asc",
        page=page,
    )
    return wanted, errors


def _page_url(params: dict[str, str], **changes: Any) -> str:
    merged = {**params, **{k: str(v) for k, v in changes.items()}}
    return "/staff/needs/?" + urlencode({k: v for k, v in merged.items() if v not in ("", None)})


async def render_inbox(
    desk: Desk,
    params: dict[str, str],
    status_code: int = 200,
    bulk_errors: dict[str, str] | None = None,
    bulk: dict[str, Any] | None = None,
) -> Response:
    """The inbox page for the filter in `params`; a refused bulk change shows its errors and
    keeps what was chosen and typed."""
    zone = desk.workspace.settings.timezone
    wanted, errors = read_filter(params, zone)
    rows, total = await inbox(desk.session, desk.person, wanted, zone)
    pages = max(1, -(-total // PAGE_SIZE))
    admin = desk.person.role == Role.admin
    return desk.render(
        "needs/inbox.html",
        status_code=status_code,
        rows=rows,
        total=total,
        page=wanted.page,
        pages=pages,
        params=params,
        wanted=wanted,
        errors=errors,
        bulk_errors=bulk_errors or {},
        bulk=bulk or {"needs": [], "status": "", "comment": ""},
        status_names=STATUS_NAMES,
        settable=SETTABLE,
        statuses=list(NeedStatus),
        categories=await categories(desk.session),
        municipalities=await municipalities(desk.session, desk.language) if admin else [],
        admin=admin,
        sorts=SORT_NAMES,
        page_url=lambda **changes: _page_url(params, **changes),
        when=lambda moment: local_time(moment, zone),
        export_url="/staff/needs/export.csv?" + urlencode(params),
    )


def routes(workspace: Workspace) -> APIRouter:
    """The inbox, its bulk change and its export."""
    router = APIRouter()

    @router.get("/")
    async def inbox_page(request: Request, desk: Desk = workspace.signed_in) -> Response:
        """The needs in scope that match the filter."""
        return await render_inbox(desk, dict(request.query_params))

    @router.post("/bulk")
    async def bulk_change(desk: Desk = workspace.signed_in) -> Response:
        """Several needs to one status; each reporter is told."""
        back = local_path(desk.field("next"), "/staff/needs/")
        params = dict(_query_of(back))
        chosen = [int(v) for v in desk.fields("need") if v.isdecimal() and len(v) < 10]
        status, comment = desk.field("status"), desk.field("comment")
        errors: dict[str, str] = {}
        if not chosen:
            errors["need"] = N_("Tick at least one report.")
        if status not in (s.value for s in SETTABLE):
            errors["status"] = N_("Choose the new status.")
        elif status == NeedStatus.rejected and len(comment) < 3:
            errors["comment"] = N_("A rejection needs a reason the residents will read.")
        if len(comment) > COMMENT_LENGTH:
            errors["comment"] = N_("At most 500 characters.")
        if errors:
            kept = {"needs": chosen, "status": status, "comment": comment}
            return await render_inbox(desk, params, 422, errors, kept)
        needs = await change_statuses(
            desk.session, desk.person, chosen, NeedStatus(status), comment or None
        )
        notice = desk.tn(
            "{n} report is now “{status}”. Its resident has been told.",
            "{n} reports are now “{status}”. Their residents have been told.",
            len(needs),
            status=desk.t(STATUS_NAMES[NeedStatus(status)]),
        )
        return desk.redirect(back, notice)

    @router.get("/export.csv")
    async def export(request: Request, desk: Desk = workspace.signed_in) -> Response:
        """Every need that matches the filter (not only this page), as CSV."""
        zone = workspace.settings.timezone
        wanted, _errors = read_filter(dict(request.query_params), zone)
        rows = await export_rows(desk.session, desk.person, wanted, zone)
        body = needs_csv(rows, desk.language, zone)
        await audit.record(desk.session, desk.person.id, "needs_export", "ok", f"rows={len(rows)}")
        return Response(
            body.encode("utf-8"),
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="kenesh-needs.csv"'},
        )

    return router


def _query_of(path: str) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(path).query)
