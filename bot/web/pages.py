"""What a domain declares to add pages to the staff workspace (its `PAGES`, see
`bot.extensions`): a router of its pages, the folder of its templates, its navigation links.

The workspace knows no domain: it serves what the domains declared, under `/staff/`, with one
base layout, sign-in, sessions, CSRF, the language switch and the security headers around them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter

from models import Person, Role


def any_staff(person: Person) -> bool:
    """Every signed-in staff member and admin sees the link."""
    return person.is_staff


def admins(person: Person) -> bool:
    """Only admins see the link."""
    return person.role == Role.admin


@dataclass(frozen=True)
class NavLink:
    """An entry of the workspace's navigation: its path under /staff, its label (a msgid), its
    place among the others (lower first), and who sees it (the page checks again)."""

    path: str
    label: str
    order: int
    visible: Callable[[Person], bool] = any_staff


@dataclass(frozen=True)
class Pages:
    """A domain's part of the workspace. `router` is built once per workspace (a router can be
    attached only once) and its paths are relative to /staff. `templates` is the folder of its
    templates, which pages name as `<name>/<file>` and which extend the platform's `base.html`."""

    name: str
    router: Callable[..., APIRouter]  # called with the `bot.web.workspace.Workspace`
    templates: Path | None = None
    nav: tuple[NavLink, ...] = ()
