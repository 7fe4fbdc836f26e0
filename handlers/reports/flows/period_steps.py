"""Choosing a report's period: this month, the last 30 days, this year, or two typed days."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.conversation.context import Context
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, Choose, Invalid, Option, Step, translated_options
from bot.i18n import N_
from handlers.reports.periods import MAX_DAYS, Period, Preset, parse_day, preset_period, today_in

PERIODS = (
    (Preset.this_month, N_("This month")),
    (Preset.last_30_days, N_("The last 30 days")),
    (Preset.this_year, N_("This year")),
    (Preset.custom, N_("Other dates")),
)


class AskDay(Ask):
    """A day up to today, typed like 2026-05-31 (or 31.05.2026); the end not before the start."""

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


async def _periods(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, [(preset.value, label) for preset, label in PERIODS])


def chosen_period(ctx: Context) -> Period:
    """The period answered with `period_steps`, in local days of the configured time zone."""
    zone = ctx.settings.timezone
    preset = Preset(ctx.answers["period"])
    if preset == Preset.custom:
        first, last = (date.fromisoformat(ctx.answers[k]) for k in ("from", "to"))
        return Period(first, last, zone)
    return preset_period(preset, zone)


def period_steps(after: str) -> list[Step]:
    """The period; "Other dates" asks for the first and the last day. Then the step `after`."""
    return [
        Choose(
            "period",
            N_("For which period?"),
            _periods,
            next=lambda ctx: "from" if ctx.answers["period"] == Preset.custom else after,
        ),
        AskDay("from", N_("From which day? Write it like 2026-01-31.")),
        AskDay("to", N_("To which day? Write it like 2026-03-31."), next=lambda ctx: after),
    ]
