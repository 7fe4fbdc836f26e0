"""The announcements pages of the staff workspace: the list with each one's progress, an
announcement's page and cancelling it, and writing one with its live preview — through the same
services as the bot's "broadcast" and "my_broadcasts" flows."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter

from bot.i18n import N_
from bot.web.pages import NavLink, Pages
from bot.web.workspace import Workspace
from handlers.broadcasts.pages import compose, listing

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def build(workspace: Workspace) -> APIRouter:
    """Every announcements page of `workspace`."""
    router = APIRouter(prefix="/broadcasts")
    for module in (compose, listing):  # fixed paths (/broadcasts/new) before /broadcasts/{id}
        router.include_router(module.routes(workspace))
    return router


PAGES = Pages("broadcasts", build, TEMPLATES, (NavLink("/broadcasts/", N_("Announcements"), 30),))
