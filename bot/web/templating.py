"""The workspace's templates: the platform's (`base.html`, sign-in, problems) and each
domain's, named `<domain>/<file>`; autoescaped, and strict about names a template misspells."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from functools import cache
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PrefixLoader,
    StrictUndefined,
    select_autoescape,
)

from bot.web.pages import Pages

TEMPLATES = Path(__file__).resolve().parent / "templates"
STATIC = Path(__file__).resolve().parent / "static"
STATIC_PATH = "/staff/static/"


@cache
def versioned(folder: Path, name: str) -> str:
    """A short hash of a static file, so a browser fetches it again when it changes."""
    return hashlib.sha256((folder / name).read_bytes()).hexdigest()[:10]


def static_url(name: str) -> str:
    """The URL of a vendored static file, with its version."""
    return f"{STATIC_PATH}{name}?v={versioned(STATIC, name)}"


def environment(pages: Sequence[Pages]) -> Environment:
    """One environment for the platform's templates and every domain's."""
    domains: dict[str, BaseLoader] = {
        p.name: FileSystemLoader(p.templates) for p in pages if p.templates is not None
    }
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(TEMPLATES), PrefixLoader(domains)]),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = static_url
    return env
