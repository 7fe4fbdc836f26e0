"""Reports (staff): which report → the period (needs, tenders; custom: from, to) → admins: all
municipalities or one → the service (survey results) → the chart, the spreadsheet and a
one-line summary.

Staff get their own municipality without being asked; the report service checks it again and
audits a refusal. Where the channel carries no files (SMS) the summary comes alone, with two
signed download links when the server has a public address.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from sqlalchemy import exists, select

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import Flow, staff_only
from bot.conversation.messages import Document, Reply
from bot.conversation.steps import Choose, Option, translated_options
from bot.i18n import N_
from handlers.account.flows.places import PickPlace, chosen_municipality
from handlers.reports import labels
from handlers.reports.build import gather_report, render_files
from handlers.reports.flows.period_steps import chosen_period, period_steps
from handlers.reports.kinds import ReportKind
from handlers.reports.links import MEDIA, Grant, report_links
from handlers.reports.periods import Period
from handlers.reports.report import ReportRequest
from models import Municipality, Role, Service, Survey, SurveyStatus

SCOPES = (("all", N_("All municipalities")), ("one", N_("One municipality")))


def _is_admin(ctx: Context) -> bool:
    return ctx.person.role == Role.admin


def _kind(ctx: Context) -> ReportKind:
    return ReportKind(ctx.answers["report"])


def _municipality(ctx: Context) -> int | None:
    """Staff: their own. Admins: the one they picked, or None for all."""
    if not _is_admin(ctx):
        return ctx.person.staff_municipality_id
    return chosen_municipality(ctx) if ctx.answers.get("scope") == "one" else None


def _period(ctx: Context) -> Period | None:
    return None if _kind(ctx) == ReportKind.surveys else chosen_period(ctx)


async def _reports(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, [(kind.value, labels.TITLES[kind]) for kind in ReportKind])


async def _scopes(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, SCOPES)


async def _services(ctx: Context) -> Sequence[Option]:
    """Services with a sent survey, in the municipality chosen (admins: all, if they chose so)."""
    sent = exists().where(Survey.service_id == Service.id, Survey.status != SurveyStatus.draft)
    query = select(Service, Municipality).join(Municipality).where(sent).order_by(Service.id)
    unit = _municipality(ctx)
    if unit is not None:
        query = query.where(Service.municipality_id == unit)
    rows = (await ctx.session.execute(query)).all()
    return [
        Option(str(s.id), s.title if unit else f"{s.title} ({m.name(ctx.language)})")
        for s, m in rows
    ]


async def _asks_service(ctx: Context) -> bool:
    return _kind(ctx) == ReportKind.surveys and bool(await _services(ctx))


async def _finish(ctx: Context) -> str | None:
    kind = _kind(ctx)
    if kind == ReportKind.surveys and not ctx.answers.get("service"):
        ctx.say(ctx.t(N_("No survey has been sent there yet, so there are no results.")))
        return None
    service = ctx.answers.get("service")
    request = ReportRequest(
        kind, _period(ctx), _municipality(ctx), int(service) if service else None
    )
    try:
        report = await gather_report(
            ctx.session, ctx.person, request, ctx.language, ctx.settings.report_min_group
        )
    except PermissionDenied:
        ctx.say(ctx.t(N_("Sorry, you can see the reports of your own municipality only.")))
        return None
    summary = report.summary()
    if report.empty:
        ctx.say(summary)
    elif ctx.caps.documents:
        # drawing takes a moment of CPU: in a thread, so other people's messages go on
        files = await asyncio.to_thread(render_files, report, ctx.settings.timezone)
        chart = Document(f"{report.stem}.png", MEDIA["png"], files.png)
        table = Document(f"{report.stem}.xlsx", MEDIA["xlsx"], files.xlsx)
        ctx.replies.append(Reply(summary, document=chart))
        ctx.replies.append(Reply(ctx.t(N_("The same figures as a spreadsheet.")), document=table))
    else:
        links = report_links(ctx.settings, Grant(request, ctx.person.id, ctx.language))
        if links is not None:
            chart_url, table_url = links
            summary += "\n" + ctx.t(N_("Chart: {url}"), url=chart_url)
            summary += "\n" + ctx.t(N_("Spreadsheet: {url}"), url=table_url)
        ctx.say(summary)
    return None


def build() -> Flow:
    """Staff see their municipality's reports; admins any one municipality's, or all together."""
    one_place = {"when": lambda ctx: _is_admin(ctx) and ctx.answers.get("scope") == "one"}
    return Flow(
        "staff_reports",
        [
            Choose(
                "report",
                N_("Which report?"),
                _reports,
                next=lambda ctx: "scope" if _kind(ctx) == ReportKind.surveys else "period",
            ),
            *period_steps(after="scope"),
            Choose(
                "scope",
                N_("For which municipalities?"),
                _scopes,
                when=_is_admin,
                next=lambda ctx: "place1" if ctx.answers.get("scope") == "one" else "service",
            ),
            PickPlace(
                0,
                N_("Choose the region, or type the name of the village or town."),
                "service",
                **one_place,
            ),
            PickPlace(1, N_("Choose the district or town."), "service", **one_place),
            PickPlace(2, N_("Choose the ayil aimak or town."), "service", **one_place),
            Choose("service", N_("Which service?"), _services, when=_asks_service),
        ],
        _finish,
        allowed=staff_only,
    )
