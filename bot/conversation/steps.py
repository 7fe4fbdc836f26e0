"""The kinds of question a flow can ask. Each asks (renders a Reply) and accepts (parses an answer).

A step never knows which channel it runs on: it reads `ctx.caps` for what the channel can do.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversation.context import Context
from bot.conversation.folding import fold, normalize_spaces
from bot.conversation.messages import MORE, SKIP, Choice, Inbound, Reply, Request
from bot.i18n import N_
from bot.phones import normalize_phone
from bot.text import typed_number
from bot.times import parse_local
from models.base import utcnow

REQUEST_LABELS = {"location": N_("📍 Share location"), "contact": N_("📱 Share my phone number")}

# What the columns answers go to hold (needs.photo_ref, needs.place).
PHOTO_REF_LENGTH = 512
PLACE_LENGTH = 300

Text = str | Callable[[Context], str | Awaitable[str]]


class Invalid(Exception):
    """The answer does not fit; `hint` (already translated) is shown before the question again."""

    def __init__(self, hint: str) -> None:
        super().__init__(hint)
        self.hint = hint


class Reask(Exception):
    """Show the same question again without a complaint (a page was turned, a search narrowed)."""


@dataclass(frozen=True, slots=True)
class Option:
    """One answer to a Choose step: `label` in the reader's language, `aliases` in any other."""

    id: str
    label: str
    aliases: Sequence[str] = ()


YES_NO = (("yes", N_("Yes")), ("no", N_("No")))


def translated_options(ctx: Context, pairs: Sequence[tuple[str, str]]) -> list[Option]:
    """Options from (id, msgid) pairs: labelled in the reader's language, answerable in any."""
    return [Option(key, ctx.t(label), aliases=ctx.all_translations(label)) for key, label in pairs]


async def resolve(text: Text, ctx: Context) -> str:
    """The translated text of a prompt given as a msgid or as a function of the context."""
    if isinstance(text, str):
        return ctx.t(text)
    value = text(ctx)
    return await value if inspect.isawaitable(value) else value


class Step:
    """One question. `when` skips it for this person (e.g. no photos on this channel); `next` picks
    the following step by name instead of the one listed after it."""

    request: Request | None = None
    home: bool = False

    def __init__(
        self,
        name: str,
        prompt: Text,
        *,
        when: Callable[[Context], bool | Awaitable[bool]] | None = None,
        next: Callable[[Context], str | None] | None = None,
        help: str | None = None,
        short: Text | None = None,
    ) -> None:
        self.name = name
        self.prompt = prompt
        self.short = short  # the wording for channels where every character costs (SMS)
        self.when = when
        self.next = next
        self.help = help

    async def active(self, ctx: Context) -> bool:
        """Whether this step is asked of this person at all."""
        if self.when is None:
            return True
        value = self.when(ctx)
        return bool(await value if inspect.isawaitable(value) else value)

    async def question(self, ctx: Context, hint: str | None = None) -> str:
        """The question's text: the short wording on compact channels, after `hint` if any."""
        wording = self.short if ctx.caps.compact and self.short is not None else self.prompt
        text = await resolve(wording, ctx)
        return f"{hint}\n\n{text}" if hint else text

    async def choices(self, ctx: Context) -> list[Choice]:
        """The options shown with the question (none for free text)."""
        return []

    async def ask(self, ctx: Context, hint: str | None = None) -> Reply:
        """The question as a Reply, after `hint` if the last answer was refused."""
        text = await self.question(ctx, hint)
        return Reply(
            text=text,
            choices=tuple(await self.choices(ctx)),
            request=self.request,
            request_label=ctx.t(REQUEST_LABELS[self.request]) if self.request else None,
            home=self.home,
        )

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        """The answer's value to store, or raise Invalid / Reask."""
        raise NotImplementedError


def too_long(ctx: Context, text: str, limit: int) -> str:
    """The hint for an answer longer than `limit` characters."""
    return ctx.t(
        N_("That is too long: {length} characters, at most {n} fit."), length=len(text), n=limit
    )


def _skip_choice(ctx: Context) -> Choice:
    return Choice(id=SKIP, label=ctx.t(N_("Skip")), key="0")


class Ask(Step):
    """A free-text answer, trimmed, within `min_length`..`max_length` characters."""

    def __init__(
        self,
        name: str,
        prompt: Text,
        *,
        min_length: int = 1,
        max_length: int = 1000,
        optional: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, prompt, **kwargs)
        self.min_length = min_length
        self.max_length = max_length
        self.optional = optional

    async def choices(self, ctx: Context) -> list[Choice]:
        return [_skip_choice(ctx)] if self.optional else []

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        if self.optional and ctx.is_skip(message):
            return None
        text = normalize_spaces(message.text)
        if not text:
            raise Invalid(ctx.t(N_("Please answer in words.")))
        if len(text) < self.min_length:
            raise Invalid(
                ctx.t(N_("That is too short: write at least {n} characters."), n=self.min_length)
            )
        if len(text) > self.max_length:
            raise Invalid(too_long(ctx, text, self.max_length))
        return text


class AskTime(Ask):
    """A local time (TIMEZONE) in the future, YYYY-MM-DD HH:MM; the answer is its ISO form."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        try:
            moment = parse_local(text, ctx.settings.timezone)
        except ValueError:
            raise Invalid(ctx.t(N_("Write the time like 2026-12-01 10:00."))) from None
        if moment <= utcnow():
            raise Invalid(ctx.t(N_("That time has passed. Write a time in the future.")))
        return moment.isoformat()


class AskPhoto(Step):
    """An optional photo; the answer is the channel's reference to it."""

    async def choices(self, ctx: Context) -> list[Choice]:
        return [_skip_choice(ctx)]

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        if message.photo is not None:
            if len(message.photo.ref) > PHOTO_REF_LENGTH:  # no real file id or MMS link is
                raise Invalid(ctx.t(N_("That photo could not be kept. Send another, or skip.")))
            return message.photo.ref
        if ctx.is_skip(message):
            return None
        raise Invalid(ctx.t(N_("Send a photo, or skip this step.")))


class AskPlace(Step):
    """Where: a shared location where the channel has one, or a village and street in words."""

    request: Request | None = "location"

    async def choices(self, ctx: Context) -> list[Choice]:
        return [_skip_choice(ctx)]

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        if message.location is not None:
            latitude, longitude = message.location.latitude, message.location.longitude
            if not (abs(latitude) <= 90 and abs(longitude) <= 180):  # NaN fails too
                raise Invalid(ctx.t(N_("That location is not on the map. Share it again.")))
            return {"latitude": latitude, "longitude": longitude}
        if ctx.is_skip(message):
            return None
        text = normalize_spaces(message.text)
        if len(text) < 2:
            raise Invalid(ctx.t(N_("Write the village and street, or skip this step.")))
        if len(text) > PLACE_LENGTH:
            raise Invalid(too_long(ctx, text, PLACE_LENGTH))
        return {"place": text}


class AskContact(Step):
    """The person's own phone number, shared with the channel's contact button or typed."""

    request: Request | None = "contact"

    async def choices(self, ctx: Context) -> list[Choice]:
        return [_skip_choice(ctx)]

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        if ctx.is_skip(message):
            return None
        if message.contact_phone is not None and not message.contact_verified:
            raise Invalid(ctx.t(N_("Please share your own phone number, not someone else's.")))
        phone = normalize_phone(message.contact_phone or message.text)
        if phone is None:
            raise Invalid(
                ctx.t(N_("This phone number does not look right. Write it like 0555 123 456."))
            )
        return phone


OptionSource = Sequence[Option] | Callable[[Context], Awaitable[Sequence[Option]]]
Search = Callable[[Context, str], Awaitable[Sequence[Option]]]


class Choose(Step):
    """One option from a list; shown as buttons or as a numbered list, paginated when long.

    An answer is accepted as the option's number, its button, or its text in any language and
    script. With `search`, text that names no option is looked up; several hits become a shorter
    list to choose from.
    """

    def __init__(
        self,
        name: str,
        prompt: Text,
        options: OptionSource,
        *,
        search: Search | None = None,
        home: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(name, prompt, **kwargs)
        self._options = options
        self.search = search
        self.home = home

    async def options(self, ctx: Context) -> list[Option]:
        """Every option (or the search hits the person is choosing among)."""
        found = ctx.scratch.get("found")
        if found is not None:
            return [Option(id=i, label=label) for i, label in found]
        source = self._options
        return list(source if isinstance(source, Sequence) else await source(ctx))

    def _page(
        self, ctx: Context, options: list[Option], size: int | None = None
    ) -> tuple[list[Option], bool]:
        size = max(size or ctx.scratch.get("page_size") or ctx.caps.page_size, 2)
        if len(options) <= size:
            return options, False
        per_page = size - 1  # the last line is "0. More"
        offset = ctx.scratch.get("offset", 0)
        if offset >= len(options):
            offset = 0
        return options[offset : offset + per_page], True

    async def choices(self, ctx: Context, size: int | None = None) -> list[Choice]:
        shown, more = self._page(ctx, await self.options(ctx), size)
        choices = [Choice(id=o.id, label=o.label, key=str(i)) for i, o in enumerate(shown, 1)]
        if more:
            choices.append(Choice(id=MORE, label=ctx.t(N_("More")), key="0"))
        return choices

    async def ask(self, ctx: Context, hint: str | None = None) -> Reply:
        """As many options per page as fit in one message on this channel (at least two)."""
        text = await self.question(ctx, hint)
        size = ctx.caps.page_size
        while True:
            reply = Reply(text=text, choices=tuple(await self.choices(ctx, size)), home=self.home)
            if ctx.caps.fits is None or size <= 2 or ctx.caps.fits(reply):
                break
            size -= 1
        ctx.scratch["page_size"] = size  # so the numbers typed back mean what was shown
        return reply

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        options = await self.options(ctx)
        shown, more = self._page(ctx, options)
        if message.choice is not None:
            return self._by_id(ctx, options, message.choice, more)
        text = normalize_spaces(message.text)
        if not text:
            raise Invalid(ctx.t(N_("Please choose one of the options.")))
        number = typed_number(text)
        if number is not None:
            if number == 0 and more:
                return self._turn_page(ctx, options)
            if 1 <= number <= len(shown):
                return shown[number - 1].id
            raise Invalid(
                ctx.t(
                    N_(
                        "There is no option {number}.",
                    ),
                    number=number,
                )
            )
        key = fold(text)
        exact = [o for o in options if key and key in (fold(n) for n in (o.label, *o.aliases))]
        if len(exact) == 1:
            return exact[0].id
        if self.search is not None:
            hits = list(await self.search(ctx, text))
            if len(hits) == 1:
                return hits[0].id
            if hits:
                ctx.scratch["found"] = [(o.id, o.label) for o in hits]
                ctx.scratch["offset"] = 0
                raise Reask
            raise Invalid(
                ctx.t(
                    N_(
                        "Nothing found for “{text}”. Try another spelling.",
                    ),
                    text=text,
                )
            )
        partial = [o for o in options if key and any(key in fold(n) for n in (o.label, *o.aliases))]
        if len(partial) == 1:
            return partial[0].id
        raise Invalid(ctx.t(N_("Please choose one of the options.")))

    def _by_id(self, ctx: Context, options: list[Option], choice: str, more: bool) -> Any:
        if choice == MORE and more:
            return self._turn_page(ctx, options)
        if any(o.id == choice for o in options):
            return choice
        raise Invalid(ctx.t(N_("Please choose one of the options.")))

    def _turn_page(self, ctx: Context, options: list[Option]) -> Any:
        size = max(ctx.scratch.get("page_size") or ctx.caps.page_size, 2)
        offset = ctx.scratch.get("offset", 0) + size - 1
        ctx.scratch["offset"] = offset if offset < len(options) else 0  # after the last, the first
        raise Reask


class Confirm(Choose):
    """Yes or no; the answer is True or False."""

    def __init__(self, name: str, prompt: Text, **kwargs: Any) -> None:
        super().__init__(name, prompt, self._yes_no, **kwargs)

    @staticmethod
    async def _yes_no(ctx: Context) -> Sequence[Option]:
        return translated_options(ctx, YES_NO)

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        return await super().accept(ctx, message) == "yes"
