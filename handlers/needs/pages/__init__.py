"""The needs pages of the staff workspace: the inbox, a need's page, walk-in entry."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from bot.i18n import N_
from bot.web.pages import NavLink, Pages
from bot.web.workspace import Workspace
from handlers.needs.pages import inbox, need, walk_in

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def build(workspace: Workspace) -> APIRouter:
    """Every needs page of `workspace`."""
    router = APIRouter(prefix="/needs")
    for module in (inbox, walk_in, need):  # fixed paths before /needs/{id}
        router.include_router(module.routes(workspace))
    return router


PAGES = Pages(
    "needs",
    build,
    TEMPLATES,
    (
        NavLink("/needs/", N_("Needs"), 10),
        NavLink("/needs/walk-in", N_("Walk-in entry"), 15),
    ),
)
