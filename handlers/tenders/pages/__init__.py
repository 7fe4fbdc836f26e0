"""The tenders pages of the staff workspace: the list, a new draft, a tender's page and what
staff do to it (publish, move the deadline, cancel, award) — through the same service as the
bot's "staff_tenders" flow (handlers.tenders.tenders)."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from bot.i18n import N_
from bot.web.pages import NavLink, Pages
from bot.web.workspace import Workspace
from handlers.tenders.pages import actions, listing

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def build(workspace: Workspace) -> APIRouter:
    """Every tenders page of `workspace`."""
    router = APIRouter(prefix="/tenders")
    for module in (listing, actions):  # fixed paths (/tenders/new) before /tenders/{id}
        router.include_router(module.routes(workspace))
    return router


PAGES = Pages("tenders", build, TEMPLATES, (NavLink("/tenders/", N_("Tenders"), 20),))
