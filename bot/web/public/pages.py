"""What a domain declares to add to the public site (its `PUBLIC`, see `bot.extensions`): a
router of its pages, the folder of its templates, and sections it adds to pages others own."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter

if TYPE_CHECKING:
    from bot.web.public.visit import Visit


@dataclass(frozen=True)
class Section:
    """A part of a page another domain owns (a municipality's page shows the needs, tenders,
    surveys and announcements sections their domains declare). `page` names the page (its owner
    documents the subject it passes: a `Municipality` for "municipality", None for "country"),
    `order` places it (lower first), `template` (`<domain>/<file>`) renders what `load` returns;
    `load` returning None leaves the section out."""

    page: str
    order: int
    template: str
    load: Callable[[Visit, Any], Awaitable[dict[str, Any] | None]]


@dataclass(frozen=True)
class PublicLink:
    """A link of the public site's header: its path from the root, its label (a msgid), its
    place among the others (lower first)."""

    path: str
    label: str
    order: int


@dataclass(frozen=True)
class PublicPages:
    """A domain's part of the public site. `router` is called with the `PublicSite` once per
    site (a router can be attached only once); its paths are from the site's root and must not
    begin with a path the platform or another domain serves (`/staff`, `/ocds`, `/open311`…).
    `templates` is the folder of its templates, named `<name>/<file>`, which extend the
    platform's `public.html`."""

    name: str
    router: Callable[..., APIRouter] | None = None
    templates: Path | None = None
    sections: tuple[Section, ...] = ()
    nav: tuple[PublicLink, ...] = ()
