"""Services and surveys: the social services delivered under awarded tenders, the people they
reached (beneficiaries), and the feedback surveys those people answer — invited and reminded by
the tick, answered one question at a time, counted without naming anyone."""

from bot.conversation.context import Context
from bot.conversation.menu import MenuEntry
from bot.schedule import Job
from handlers.surveys import commands
from handlers.surveys.flows import service_join, staff_services, survey
from handlers.surveys.invitations import send_due_surveys
from handlers.surveys.pages import PAGES as SURVEY_PAGES
from handlers.surveys.public import PUBLIC as SURVEYS_PUBLIC
from handlers.surveys.surveys import open_invitation
from models import ConsentStatus


def _consented(ctx: Context) -> bool:
    return ctx.person.consent == ConsentStatus.given


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


async def _survey_waiting(ctx: Context) -> bool:
    return await open_invitation(ctx.session, ctx.person.id) is not None


FLOWS = (survey.build, service_join.build, staff_services.build)

MENU = (
    MenuEntry(survey.SURVEY_FLOW, survey.MENU_ITEM, 10, _survey_waiting),
    MenuEntry("service_join", service_join.MENU_ITEM, 50, _consented),
    MenuEntry("staff_services", staff_services.MENU_ITEM, 130, _staff),
)

COMMANDS = commands.COMMANDS

JOBS = (Job("survey invitations", send_due_surveys, "survey invitations and reminders queued: %s"),)

PAGES = (SURVEY_PAGES,)

PUBLIC = (SURVEYS_PUBLIC,)
