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
from datetime import date
from typing import Any

from sqlalchemy import exists, select

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.messages import Document, Inbound, Reply
from bot.conversation.steps import Ask, Choose, Invalid, Option
from bot.i18n import N_
from bot.reports import ReportKind, labels
from bot.reports.build import ReportRequest, gather_report, render_files
from bot.reports.links import MEDIA, Grant, report_links
from bot.reports.periods import MAX_DAYS, Period, Preset, parse_day, preset_period, today_in
from bot.services.audit import PermissionDenied
from handlers.places import PickPlace, chosen_municipality
from models import Municipality, Person, Role, Service, Survey, SurveyStatus

PERIODS = (
    (Preset.this_month, N_("This month")),
    (Preset.last_30_days, N_("The last 30 days")),
    (Preset.this_year, N_("This year")),
    (Preset.custom, N_("Other dates")),
)
SCOPES = (("all", N_("All municipalities")), ("one", N_("One municipality")))


def _labelled(ctx: Context, pairs: Sequence[tuple[str, str]]) -> list[Option]:
    return [Option(key, ctx.t(label), aliases=ctx.all_translations(label)) for key, label in pairs]


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
    if _kind(ctx) == ReportKind.surveys:
        return None
    zone = ctx.settings.timezone
    preset = Preset(ctx.answers["period"])
    if preset == Preset.custom:
        first, last = (date.fromisoformat(ctx.answers[k]) for k in ("from", "to"))
        return Period(first, last, zone)
    return preset_period(preset, zone)


class AskDay(Ask):
    """A day up to today, typed like 2026-05-31; the end not before the start."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        day = parse_day(await super().accept(ctx, message))
        if day is None:
            raise Invalid(ctx.t(N_("Write the date like 2026-05-31.")))
        if day > today_in(ctx.settings.timezone):
            raise Invalid(ctx.t(N_("That day has not come yet. Write a date up to today.")))
        if self.name == "to":
            first = date.fromisoformat(ctx.answers["from"])
            if day < first:
                raise Invalid(
                    ctx.t(N_("The end cannot be before the start, {day}."), day=first.isoformat())
                )
            if (day - first).days >= MAX_DAYS:
                raise Invalid(ctx.t(N_("That is too long. Choose at most ten years.")))
        return day.isoformat()


async def _reports(ctx: Context) -> Sequence[Option]:
    return _labelled(ctx, [(kind.value, labels.TITLES[kind]) for kind in ReportKind])


async def _periods(ctx: Context) -> Sequence[Option]:
    return _labelled(ctx, [(preset.value, label) for preset, label in PERIODS])


async def _scopes(ctx: Context) -> Sequence[Option]:
    return _labelled(ctx, SCOPES)


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
        report = await gather_report(ctx.session, ctx.person, request, ctx.language)
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


def _is_staff(person: Person) -> bool:
    return person.is_staff


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
            Choose(
                "period",
                N_("For which period?"),
                _periods,
                next=lambda ctx: "from" if ctx.answers["period"] == Preset.custom else "scope",
            ),
            AskDay("from", N_("From which day? Write it like 2026-01-31.")),
            AskDay("to", N_("To which day? Write it like 2026-03-31.")),
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
        allowed=_is_staff,
    )
