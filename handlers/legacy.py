"""The flows not yet moved into their domain package, declared through the extension points.
(Transitional: each domain moves out of here into `handlers/<domain>/`.)"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.ext.asyncio import AsyncSession

from bot.app import App
from bot.broadcast_commands import COMMAND as BROADCAST_COMMAND
from bot.conversation.context import Context
from bot.conversation.menu import MenuEntry
from bot.i18n import N_
from bot.ocds.package import PACKAGE_PATH, build_package, package_uri
from bot.reports.links import build_links_router
from bot.schedule import Job
from bot.services.broadcast_progress import finish_broadcasts
from bot.services.broadcasts import queue_due
from bot.services.surveys import open_invitation
from bot.services.tender_alerts import send_due_reminders
from bot.settings import Settings
from bot.survey_commands import COMMANDS as SURVEY_COMMANDS
from bot.tender_commands import COMMAND as TENDER_COMMAND
from handlers import (
    broadcast,
    my_broadcasts,
    open_tenders,
    reports,
    service_join,
    service_staff,
    survey_answer,
    tender_manage,
    tender_new,
)
from handlers.ngos import HUB, approved_member
from handlers.survey_invite import send_due_surveys
from models import ConsentStatus, Role

FLOWS = (
    broadcast.build,
    my_broadcasts.build,
    reports.build,
    tender_manage.build,
    tender_new.build,
    open_tenders.build,
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


MENU = (
    MenuEntry("survey", survey_answer.MENU_ITEM, 10, _survey_waiting),
    MenuEntry("service_join", service_join.MENU_ITEM, 50, _consented),
    # NGO members: the shortest way to what they need
    MenuEntry("open_tenders", N_("Open tenders"), 70, _ngo_member),
    MenuEntry("broadcast", N_("Announcement (staff)"), 90, _staff),
    MenuEntry("my_broadcasts", N_("My announcements (staff)"), 100, _staff),
    MenuEntry("staff_reports", N_("Reports (staff)"), 110, _staff),
    MenuEntry("tenders", N_("Tenders (staff)"), 120, _staff),
    MenuEntry("services", service_staff.MENU_ITEM, 130, _staff),
    MenuEntry("open_tenders", N_("Open tenders"), 30, approved_member, HUB),
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
