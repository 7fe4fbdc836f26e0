"""The services and surveys pages of the staff workspace: services and their beneficiaries
(with a CSV upload reported line by line), and the survey builder, schedule and results —
through the same services as the bot's "staff_services" flow and the `kenesh services` and
`kenesh surveys` commands (handlers.surveys.services, .surveys, .results)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from bot.i18n import N_
from bot.web.pages import NavLink, Pages
from bot.web.workspace import Workspace
from handlers.surveys.pages import services, surveys

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def build(workspace: Workspace) -> APIRouter:
    """Every services and surveys page of `workspace`."""
    router = APIRouter()
    router.include_router(services.routes(workspace))
    router.include_router(surveys.routes(workspace))
    return router


PAGES = Pages("surveys", build, TEMPLATES, (NavLink("/services/", N_("Services and surveys"), 50),))
