"""The reports page of the staff workspace: the three reports of the bot (needs, tenders,
survey results) on one form, their figures as tables with the chart, the spreadsheet to
download, and every need of the period as CSV.

Every route reads the same query string and calls the same service as the bot
(`gather_report`, scope checked and refusals audited there; REPORT_MIN_GROUP for surveys), so
what the page shows, the chart, the XLSX and the bot's files agree.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import Response
from sqlalchemy import exists, select

from bot import audit
from bot.i18n import N_
from bot.web.choices import municipalities
from bot.web.desk import Desk, PageProblem
from bot.web.pages import NavLink, Pages
from bot.web.workspace import Workspace
from handlers.needs.inbox import InboxFilter, export_rows, needs_csv
from handlers.reports import labels
from handlers.reports.build import gather_report, render_chart, render_workbook
from handlers.reports.kinds import ReportKind
from handlers.reports.links import MEDIA
from handlers.reports.periods import MAX_DAYS, Period, Preset, parse_day, preset_period, today_in
from handlers.reports.report import Report, ReportRequest
from handlers.reports.scope import municipality_scope
from handlers.reports.spreadsheets import report_tables
from models import Municipality, Person, Role, Service, Survey, SurveyStatus

TEMPLATES = Path(__file__).resolve().parent / "templates"
FIELDS = ("kind", "from", "to", "municipality", "service")
BAD_INPUT = (
    N_("This report cannot be made"),
    N_(
        "Some of its choices are not right. Go back to the reports page, correct them and try again."
    ),
)


@dataclass
class Asked:
    """What the form asked for, and what in it cannot be read (field → msgid)."""

    request: ReportRequest | None
    values: dict[str, str]
    errors: dict[str, str] = field(default_factory=dict)


def _whole(text: str) -> int | None:
    return int(text) if text.isdecimal() and len(text) < 10 else None


def read_request(params: dict[str, str], person: Person, zone: str) -> Asked:
    """The report asked for in `params`; staff get their own municipality unless they name
    another (which the service refuses and audits); admins all unless they choose one."""
    month = preset_period(Preset.this_month, zone)
    values = {
        "kind": params.get("kind", ReportKind.needs.value).strip(),
        "from": params.get("from", month.first.strftime("%d.%m.%Y")).strip(),
        "to": params.get("to", month.last.strftime("%d.%m.%Y")).strip(),
        "municipality": params.get("municipality", "").strip(),
        "service": params.get("service", "").strip(),
    }
    asked = Asked(None, values)
    errors = asked.errors
    if values["kind"] not in ReportKind.__members__:
        errors["kind"] = N_("Choose a report from the list.")
    unit: int | None = None
    if values["municipality"]:
        unit = _whole(values["municipality"])
        if unit is None:
            errors["municipality"] = N_("Choose a municipality from the list.")
    elif person.role != Role.admin:
        unit = person.staff_municipality_id
    if values["kind"] == ReportKind.surveys:
        service = _whole(values["service"])
        if service is None:
            errors["service"] = N_("Choose a service from the list.")
        if not errors:
            asked.request = ReportRequest(ReportKind.surveys, None, unit, service)
        return asked
    period = _read_period(values, zone, errors)
    if not errors and period is not None:
        asked.request = ReportRequest(ReportKind(values["kind"]), period, unit)
    return asked


def _read_period(values: dict[str, str], zone: str, errors: dict[str, str]) -> Period | None:
    """The typed days, with the bot's rules: none after today, the end not before the start,
    at most ten years."""
    today = today_in(zone)

    def day(name: str) -> date | None:
        found = parse_day(values[name]) if values[name] else None
        if found is None:
            errors[name] = N_("Write a date like 15.01.2027.")
        elif found > today:
            errors[name] = N_("That day has not come yet. Write a date up to today.")
            return None
        return found

    first, last = day("from"), day("to")
    if first is None or last is None:
        return None
    if last < first:
        errors["to"] = N_("This date is before the first one.")
        return None
    if (last - first).days >= MAX_DAYS:
        errors["to"] = N_("That is too long. Choose at most ten years.")
        return None
    return Period(first, last, zone)


async def _services(desk: Desk) -> list[tuple[int, str]]:
    """Services with a sent survey that this person may see, for the form's choice."""
    sent = exists().where(Survey.service_id == Service.id, Survey.status != SurveyStatus.draft)
    query = select(Service, Municipality).join(Municipality).where(sent).order_by(Service.id)
    if desk.person.role != Role.admin:
        query = query.where(Service.municipality_id == desk.person.staff_municipality_id)
    rows = (await desk.session.execute(query)).all()
    return [(s.id, f"{s.title} ({m.name(desk.language)})") for s, m in rows]


async def _report(desk: Desk, request: Request) -> tuple[Asked, Report | None]:
    """The form read and, when it is right, the report (PermissionDenied out of scope)."""
    settings = desk.workspace.settings
    asked = read_request(dict(request.query_params), desk.person, settings.timezone)
    if asked.request is None:
        return asked, None
    report = await gather_report(
        desk.session, desk.person, asked.request, desk.language, settings.report_min_group
    )
    return asked, report


async def _file_report(desk: Desk, request: Request) -> Report:
    """The report for a download: bad input is a problem page (the form shows the details)."""
    _asked, report = await _report(desk, request)
    if report is None:
        raise PageProblem(422, *BAD_INPUT)
    return report


def _attachment(body: bytes, media: str, filename: str) -> Response:
    return Response(
        body,
        media_type=media,
        headers={"content-disposition": f'attachment; filename="{filename}"'},
    )


def build(workspace: Workspace) -> APIRouter:
    """GET /staff/reports/, its chart, its spreadsheet and the needs of its period as CSV."""
    router = APIRouter(prefix="/reports")
    zone = workspace.settings.timezone

    @router.get("/")
    async def reports_page(request: Request, desk: Desk = workspace.signed_in) -> Response:
        """The form and, when it is right, the figures with the chart and the downloads."""
        asked, report = await _report(desk, request)
        admin = desk.person.role == Role.admin
        query = urlencode({k: v for k, v in asked.values.items() if v})
        return desk.render(
            "reports/reports.html",
            status_code=422 if asked.errors else 200,
            asked=asked,
            values=asked.values,
            errors=asked.errors,
            report=report,
            tables=report_tables(report) if report is not None and not report.empty else [],
            kinds=[(kind.value, labels.TITLES[kind]) for kind in ReportKind],
            admin=admin,
            municipalities=await municipalities(desk.session, desk.language) if admin else [],
            services=await _services(desk),
            all_municipalities=labels.ALL_MUNICIPALITIES,
            file_query=query,
        )

    @router.get("/chart.png")
    async def chart(request: Request, desk: Desk = workspace.signed_in) -> Response:
        """The report's chart, drawn in a thread (a moment of CPU)."""
        report = await _file_report(desk, request)
        body = await asyncio.to_thread(render_chart, report)
        return Response(body, media_type=MEDIA["png"])

    @router.get("/report.xlsx")
    async def workbook(request: Request, desk: Desk = workspace.signed_in) -> Response:
        """The report's figures as a spreadsheet, the same file the bot sends."""
        report = await _file_report(desk, request)
        body = await asyncio.to_thread(render_workbook, report, zone)
        await audit.record(desk.session, desk.person.id, "report_download", "ok", report.stem)
        return _attachment(body, MEDIA["xlsx"], f"{report.stem}.xlsx")

    @router.get("/needs.csv")
    async def needs(request: Request, desk: Desk = workspace.signed_in) -> Response:
        """One row per need in scope reported in the period: its public text, never who
        reported it."""
        asked = read_request(dict(request.query_params), desk.person, zone)
        wanted = asked.request
        if wanted is None or wanted.period is None:
            raise PageProblem(422, *BAD_INPUT)
        unit = await municipality_scope(
            desk.session, desk.person, wanted.municipality_id, ReportKind.needs
        )
        period = wanted.period
        rows = await export_rows(
            desk.session,
            desk.person,
            InboxFilter(municipality_id=unit, since=period.first, until=period.last),
            zone,
        )
        await audit.record(
            desk.session, desk.person.id, "report_needs_csv", "ok", f"rows={len(rows)}"
        )
        body = needs_csv(rows, desk.language, zone).encode("utf-8")
        return _attachment(
            body, "text/csv; charset=utf-8", f"kenesh-needs-{period.first}_{period.last}.csv"
        )

    return router


PAGES = Pages("reports", build, TEMPLATES, (NavLink("/reports/", N_("Reports"), 60),))
