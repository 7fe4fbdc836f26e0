"""The flows not yet moved into their domain package, declared through the extension points.
(Transitional: each domain moves out of here into `handlers/<domain>/`.)"""

from __future__ import annotations

from fastapi import APIRouter

from bot.app import App
from bot.conversation.context import Context
from bot.conversation.menu import MenuEntry
from bot.i18n import N_
from bot.reports.links import build_links_router
from bot.schedule import Job
from bot.services.surveys import open_invitation
from bot.survey_commands import COMMANDS as SURVEY_COMMANDS
from handlers import reports, service_join, service_staff, survey_answer
from handlers.survey_invite import send_due_surveys
from models import ConsentStatus

FLOWS = (
    reports.build,
    survey_answer.build,
    service_join.build,
    service_staff.build,
)


def _consented(ctx: Context) -> bool:
    return ctx.person.consent == ConsentStatus.given


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


async def _survey_waiting(ctx: Context) -> bool:
    return await open_invitation(ctx.session, ctx.person.id) is not None


MENU = (
    MenuEntry("survey", survey_answer.MENU_ITEM, 10, _survey_waiting),
    MenuEntry("service_join", service_join.MENU_ITEM, 50, _consented),
    MenuEntry("staff_reports", N_("Reports (staff)"), 110, _staff),
    MenuEntry("services", service_staff.MENU_ITEM, 130, _staff),
)

COMMANDS = SURVEY_COMMANDS


JOBS = (Job("survey invitations", send_due_surveys, "survey invitations and reminders queued: %s"),)


def _links_routes(app: App) -> APIRouter:
    return build_links_router(app.sessions, app.settings)


ROUTES = (_links_routes,)
