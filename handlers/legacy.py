"""The flows not yet moved into their domain package, declared through the extension points.
(Transitional: each domain moves out of here into `handlers/<domain>/`.)"""

from __future__ import annotations

from fastapi import APIRouter

from bot.app import App
from bot.conversation.context import Context
from bot.conversation.menu import MenuEntry
from bot.i18n import N_
from bot.reports.links import build_links_router
from handlers import reports

FLOWS = (reports.build,)


def _staff(ctx: Context) -> bool:
    return ctx.person.is_staff


MENU = (MenuEntry("staff_reports", N_("Reports (staff)"), 110, _staff),)


def _links_routes(app: App) -> APIRouter:
    return build_links_router(app.sessions, app.settings)


ROUTES = (_links_routes,)
