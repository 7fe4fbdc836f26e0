"""The flows not yet moved into their domain package, declared through the extension points.
(Transitional: each domain moves out of here into `handlers/<domain>/`.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.broadcast_commands import COMMAND as BROADCAST_COMMAND
from bot.conversation.context import Context
from bot.conversation.menu import Menu, MenuEntry
from bot.i18n import N_
from bot.ocds.package import PACKAGE_PATH, build_package, package_uri
from bot.reports.links import build_links_router
from bot.schedule import Job
from bot.services.broadcast_progress import finish_broadcasts
from bot.services.broadcasts import queue_due
from bot.services.ngos import approved_organization_of, may_register, organization_of
from bot.services.surveys import open_invitation
from bot.services.tender_alerts import send_due_reminders
from bot.settings import Settings
from bot.survey_commands import COMMANDS as SURVEY_COMMANDS
from bot.tender_commands import COMMAND as TENDER_COMMAND
from handlers import (
    broadcast,
    my_broadcasts,
    ngo_join,
    ngo_register,
    ngo_review,
    open_tenders,
    reports,
    service_join,
    service_staff,
    subscriptions,
    survey_answer,
    tender_manage,
    tender_new,
)
from handlers.survey_invite import send_due_surveys
from models import ConsentStatus, Role

FLOWS = (
    broadcast.build,
    my_broadcasts.build,
    reports.build,
    tender_manage.build,
    tender_new.build,
    open_tenders.build,
    ngo_register.build,
    ngo_join.build,
    ngo_join.build_code,
    subscriptions.build,
    ngo_review.build,
    survey_answer.build,
    service_join.build,
    service_staff.build,
)


def _consented(ctx: Context) -> bool:
    return ctx.person.consent == ConsentStatus.given


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


def _ngo_member(ctx: Context) -> bool:
    return ctx.person.role == Role.ngo_member and ctx.person.organization_id is not None


async def _survey_waiting(ctx: Context) -> bool:
    return await open_invitation(ctx.session, ctx.person.id) is not None


def _may_register(ctx: Context) -> bool:
    return may_register(ctx.person)


async def _approved_member(ctx: Context) -> bool:
    if may_register(ctx.person):
        return False
    return await approved_organization_of(ctx.session, ctx.person) is not None


async def _ngo_hub_prompt(ctx: Context) -> str:
    organization = await organization_of(ctx.session, ctx.person)
    if organization is None:
        return ctx.t(
            N_(
                "NGOs and tenders: NGOs register here, and their members get the tenders of "
                "municipalities. What would you like to do?"
            )
        )
    return ctx.t(N_("NGOs and tenders. Your NGO: “{name}”."), name=organization.name)


async def _ngo_hub_empty(ctx: Context) -> str | None:
    organization = await organization_of(ctx.session, ctx.person)
    ctx.say(
        ctx.t(
            N_(
                "The application of “{name}” is waiting for review by municipal staff. We will "
                "write to you once it is decided."
            ),
            name=organization.name if organization else "—",
        )
    )
    return None


def _consented_person(person: object) -> bool:
    return getattr(person, "consent", None) == ConsentStatus.given


NGO_HUB = "ngo_menu"
MENUS = (
    Menu(
        NGO_HUB,
        _ngo_hub_prompt,
        empty=_ngo_hub_empty,
        allowed=_consented_person,
        refusal=N_("First give your consent to the processing of your data (in the menu)."),
    ),
)

MENU = (
    MenuEntry("survey", survey_answer.MENU_ITEM, 10, _survey_waiting),
    MenuEntry("service_join", service_join.MENU_ITEM, 50, _consented),
    MenuEntry(NGO_HUB, N_("NGOs and tenders"), 60, _consented),
    # NGO members: the shortest way to what they need
    MenuEntry("open_tenders", N_("Open tenders"), 70, _ngo_member),
    MenuEntry("broadcast", N_("Announcement (staff)"), 90, _staff),
    MenuEntry("my_broadcasts", N_("My announcements (staff)"), 100, _staff),
    MenuEntry("staff_reports", N_("Reports (staff)"), 110, _staff),
    MenuEntry("tenders", N_("Tenders (staff)"), 120, _staff),
    MenuEntry("services", service_staff.MENU_ITEM, 130, _staff),
    MenuEntry("ngo_review", N_("NGO applications (staff)"), 140, _staff),
    # the NGO hub
    MenuEntry("ngo_register", N_("Register an NGO"), 10, _may_register, NGO_HUB),
    MenuEntry("ngo_join", N_("Join an NGO"), 20, _may_register, NGO_HUB),
    MenuEntry("open_tenders", N_("Open tenders"), 30, _approved_member, NGO_HUB),
    MenuEntry("subscriptions", N_("Tender subscriptions"), 40, _approved_member, NGO_HUB),
    MenuEntry("ngo_code", N_("Join code for colleagues"), 50, _approved_member, NGO_HUB),
)

COMMANDS = (BROADCAST_COMMAND, TENDER_COMMAND, *SURVEY_COMMANDS)


async def _queue_due(session: AsyncSession, settings: Settings) -> object:
    return await queue_due(session)


async def _finish_broadcasts(session: AsyncSession, settings: Settings) -> object:
    return await finish_broadcasts(session)


async def _send_due_reminders(session: AsyncSession, settings: Settings) -> object:
    return await send_due_reminders(session)


JOBS = (
    Job("queue due broadcasts", _queue_due, "queued broadcasts %s"),
    Job(
        "finish broadcasts",
        _finish_broadcasts,
        "finished broadcasts %s; reports queued for their authors",
    ),
    Job("tender reminders", _send_due_reminders, "tender reminders queued for %s subscribers"),
    Job("survey invitations", send_due_surveys, "survey invitations and reminders queued: %s"),
)


def _ocds_routes(app: App) -> APIRouter:
    router = APIRouter()

    @router.get(PACKAGE_PATH)
    async def ocds_releases(request: Request) -> JSONResponse:
        """The OCDS 1.1 release package of every published tender (kenesh tenders export)."""
        async with app.sessions() as session:
            package = await build_package(session, package_uri(app.settings, str(request.url)))
        return JSONResponse(package)

    return router


def _links_routes(app: App) -> APIRouter:
    return build_links_router(app.sessions, app.settings)


ROUTES = (_ocds_routes, _links_routes)
