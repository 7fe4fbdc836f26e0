"""Menus: flows whose options are the items any domain declares for them.

A domain adds a `MenuEntry` to a menu (the main menu, or another domain's, such as the NGO
hub) by naming it; the menu shows the entries its reader may see, in `order`, labelled in their
language and answerable in any. Choosing one starts its flow.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.steps import Choose, Option, Text, translated_options
from bot.i18n import N_
from models import Person

MAIN = "menu"  # the main menu: the home of every conversation once set up

Visible = Callable[[Context], bool | Awaitable[bool]]


def everyone(ctx: Context) -> bool:
    """Every reader sees the entry."""
    return True


@dataclass(frozen=True)
class MenuEntry:
    """One item of a menu: the flow it starts, its label (a msgid), its place among the others
    (lower first), who sees it, and which menu it belongs to."""

    flow: str
    label: str
    order: int
    visible: Visible = everyone
    menu: str = MAIN

    async def shown_to(self, ctx: Context) -> bool:
        """Whether this reader sees the entry."""
        value = self.visible(ctx)
        return bool(await value if inspect.isawaitable(value) else value)


Empty = Callable[[Context], Awaitable[str | None]]


@dataclass(frozen=True)
class Menu:
    """A menu a domain owns. `empty` is the flow's finish when the reader sees no entry at all
    (it may say why and return the flow to go to); `allowed` and `refusal` as for any flow."""

    name: str
    prompt: Text
    home: bool = False
    empty: Empty | None = None
    allowed: Callable[[Person], bool] | None = None
    refusal: str = N_("Sorry, this is only for municipal staff.")

    def build(self, entries: Sequence[MenuEntry]) -> Flow:
        """The menu's flow over `entries` (those declared for it, by any domain)."""
        ordered = sorted((e for e in entries if e.menu == self.name), key=lambda e: e.order)

        async def options(ctx: Context) -> Sequence[Option]:
            shown = [(e.flow, e.label) for e in ordered if await e.shown_to(ctx)]
            return translated_options(ctx, shown)

        async def has_options(ctx: Context) -> bool:
            return bool(await options(ctx))

        async def finish(ctx: Context) -> str | None:
            if "action" in ctx.answers:
                return str(ctx.answers["action"])
            return await self.empty(ctx) if self.empty is not None else None

        step = Choose(
            "action",
            self.prompt,
            options,
            home=self.home,
            when=has_options if self.empty is not None else None,
        )
        return Flow(self.name, [step], finish, allowed=self.allowed, refusal=self.refusal)
