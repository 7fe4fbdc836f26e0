"""The extension points: what a domain package (`handlers/<domain>/`) declares, once, in its
`__init__`, and how the declarations are gathered.

A domain may declare any of these names; each is a tuple:
- `FLOWS`: builders of its conversation flows (`() -> Flow`), a fresh flow for each app;
- `MENUS`: the menus it owns (`Menu`): flows whose options are entries any domain declares;
- `MENU`: its entries in menus (`MenuEntry`: the flow, its label, its place, who sees it);
- `COMMANDS`: its `kenesh` subcommands (`Command`);
- `JOBS`: what the tick does for it (`Job`);
- `ROUTES`: builders of its HTTP routes (`(App) -> APIRouter`);
- `PAGES`: its pages in the staff web workspace (`bot.web.pages.Pages`);
- `PUBLIC`: its public pages and the sections it adds to others' (`bot.web.public.pages.PublicPages`);
- `ASIDES`: what looks at every message before the person's flow (`bot.conversation.asides`).

The platform declares its own commands and jobs the same way (`bot.commands`). `bot.wiring`
gathers the platform and `handlers.DOMAINS` into one `Extensions`, from which the flow registry,
the menus, `kenesh --help` and its dispatch, the tick and the FastAPI app are all built.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from bot.app import App, Routes, assemble, start_app
from bot.conversation.asides import Aside
from bot.conversation.flow import Flow, FlowRegistry
from bot.conversation.menu import Menu, MenuEntry
from bot.schedule import Job
from bot.settings import Settings
from bot.web.pages import Pages
from bot.web.public.pages import PublicPages

NAMES = ("FLOWS", "MENUS", "MENU", "COMMANDS", "JOBS", "ROUTES", "PAGES", "PUBLIC", "ASIDES")


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    pass


# The exit statuses of every `kenesh` command (the README's "Exit status" says the same):
DONE = 0
INVALID = 1  # a check's answer: `kenesh tenders validate` found the package invalid
BAD_ARGUMENTS = 2  # refused, nothing done: argparse's own status, and every refusal of ours


def positive_days(text: str) -> int:
    """An argparse type: a whole number of days, at least 1 (refused with status 2)."""
    try:
        days = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of days") from None
    if days < 1:
        raise argparse.ArgumentTypeError(f"{days}: at least 1 day")
    return days


@dataclass(frozen=True)
class Command:
    """A `kenesh NAME …` subcommand: `arguments` adds its options (or its actions, as
    subparsers) to its parser, `run` does it and returns the exit status. A `ValueError` it
    raises is a bad argument (an unknown id or code, a time past, a file that cannot be read
    or is refused): printed as `kenesh NAME: …` with exit status BAD_ARGUMENTS, like
    argparse's own refusals.
    `log_level` is the level it logs at when LOG_LEVEL is not set (the simulator: warnings)."""

    name: str
    help: str
    run: Callable[[Invocation], Awaitable[int]]
    arguments: Callable[[argparse.ArgumentParser], None] = _no_arguments
    log_level: str | None = None


@dataclass
class Invocation:
    """One `kenesh` command being run: its arguments, the settings, and the app, which the CLI
    starts when the command first asks for it and closes when the command is done."""

    args: argparse.Namespace
    settings: Settings
    extensions: Extensions
    _app: App | None = field(default=None, repr=False)

    async def app(self) -> App:
        """The app (database migrated, reference data loaded), started on first use."""
        if self._app is None:
            self._app = await self.extensions.start(self.settings)
        return self._app

    async def close(self) -> None:
        """Release the app, if the command started it."""
        if self._app is not None:
            await self._app.close()
            self._app = None


def _unique(kind: str, names: Iterable[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name in seen:
            raise ValueError(f"{kind} {name!r} declared twice")
        seen.add(name)


@dataclass(frozen=True)
class Extensions:
    """Everything the platform and the domains declared, in the order of their declaration."""

    flows: tuple[Callable[[], Flow], ...] = ()
    menus: tuple[Menu, ...] = ()
    entries: tuple[MenuEntry, ...] = ()
    commands: tuple[Command, ...] = ()
    jobs: tuple[Job, ...] = ()
    routes: tuple[Routes, ...] = ()
    pages: tuple[Pages, ...] = ()
    public: tuple[PublicPages, ...] = ()
    asides: tuple[Aside, ...] = ()

    @classmethod
    def gather(cls, sources: Sequence[Any]) -> Extensions:
        """The declarations of `sources` (the platform's module, then each domain package);
        two commands, jobs or menus of one name are refused."""
        found: dict[str, list[Any]] = {name: [] for name in NAMES}
        for source in sources:
            for name in NAMES:
                found[name].extend(getattr(source, name, ()))
        extensions = cls(
            flows=tuple(found["FLOWS"]),
            menus=tuple(found["MENUS"]),
            entries=tuple(found["MENU"]),
            commands=tuple(found["COMMANDS"]),
            jobs=tuple(found["JOBS"]),
            routes=tuple(found["ROUTES"]),
            pages=tuple(found["PAGES"]),
            public=tuple(found["PUBLIC"]),
            asides=tuple(found["ASIDES"]),
        )
        _unique("command", (c.name for c in extensions.commands))
        _unique("job", (j.name for j in extensions.jobs))
        _unique("menu", (m.name for m in extensions.menus))
        _unique("pages", (p.name for p in extensions.pages))
        _unique("public pages", (p.name for p in extensions.public))
        return extensions

    def flow_registry(self) -> FlowRegistry:
        """A fresh registry of every flow and menu; a menu entry whose menu or flow does not
        exist is refused here, so a dropped flow cannot silently vanish from a menu."""
        registry = FlowRegistry(
            [build() for build in self.flows] + [menu.build(self.entries) for menu in self.menus]
        )
        menus = {menu.name for menu in self.menus}
        for entry in self.entries:
            if entry.menu not in menus:
                raise ValueError(f"menu entry {entry.flow!r}: there is no menu {entry.menu!r}")
            if entry.flow not in registry:
                raise ValueError(f"menu entry of {entry.menu!r}: there is no flow {entry.flow!r}")
        return registry

    async def start(self, settings: Settings, *, migrate: bool = True) -> App:
        """Connect, migrate and seed the database, and build the app with these extensions."""
        return await start_app(
            settings,
            self.flow_registry(),
            self.jobs,
            self.routes,
            self.pages,
            self.public,
            self.asides,
            migrate=migrate,
        )

    def assemble(
        self, settings: Settings, engine: AsyncEngine, sessions: async_sessionmaker
    ) -> App:
        """An app with these extensions on a database that is ready (tests, benchmarks)."""
        return assemble(
            settings,
            engine,
            sessions,
            self.flow_registry(),
            self.jobs,
            self.routes,
            self.pages,
            self.public,
            self.asides,
        )
