"""The main menu: what a person can do, by role and consent."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.steps import Choose, Option
from bot.i18n import N_
from bot.services.surveys import open_invitation
from models import ConsentStatus, Role

ITEMS: tuple[tuple[str, str], ...] = (
    ("survey", N_("Answer the survey")),  # only while one waits for the person
    ("report_need", N_("Report a need")),
    ("my_reports", N_("My reports")),
    ("priorities", N_("Priorities of my community")),
    ("service_join", N_("I received a service")),
    ("ngo_menu", N_("NGOs and tenders")),
    ("open_tenders", N_("Open tenders")),  # NGO members: the shortest way to what they need
    ("staff_needs", N_("Needs of my municipality (staff)")),
    ("broadcast", N_("Announcement (staff)")),
    ("my_broadcasts", N_("My announcements (staff)")),
    ("staff_reports", N_("Reports (staff)")),
    ("tenders", N_("Tenders (staff)")),
    ("services", N_("Services and surveys (staff)")),
    ("ngo_review", N_("NGO applications (staff)")),
    ("consent", N_("Give consent")),
    ("settings", N_("Settings")),
    ("help", N_("Help")),
)


STAFF = ("staff_needs", "broadcast", "my_broadcasts", "staff_reports", "tenders", "services")
STAFF += ("ngo_review",)


def _visible(ctx: Context, flow: str) -> bool:
    consented = ctx.person.consent == ConsentStatus.given
    if flow in ("report_need", "my_reports", "ngo_menu", "service_join"):
        return consented
    if flow in STAFF:
        return ctx.person.is_staff
    if flow == "open_tenders":
        return ctx.person.role == Role.ngo_member and ctx.person.organization_id is not None
    if flow == "consent":
        return not consented
    return True


async def _options(ctx: Context) -> Sequence[Option]:
    survey = await open_invitation(ctx.session, ctx.person.id) is not None
    return [
        Option(flow, ctx.t(label), aliases=ctx.all_translations(label))
        for flow, label in ITEMS
        if _visible(ctx, flow) and (flow != "survey" or survey)
    ]


async def _finish(ctx: Context) -> str | None:
    return str(ctx.answers["action"])


def build() -> Flow:
    """The home of every conversation once set up."""
    return Flow(
        "menu",
        [Choose("action", N_("Main menu. What would you like to do?"), _options, home=True)],
        _finish,
    )
