"""Register an NGO: name → INN → contact person → phone → municipalities → sectors → confirm.

The application waits for municipal staff; the person who sends it is the NGO's first member.
The steps that pick several municipalities or sectors are shared with the subscriptions flow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.keywords import shown_keyword
from bot.conversation.messages import Choice, Inbound
from bot.conversation.steps import (
    Ask,
    AskContact,
    Choose,
    Confirm,
    Invalid,
    Option,
    Reask,
    Text,
    translated_options,
)
from bot.i18n import N_
from bot.identity.linking import PHONE_CHANNEL
from bot.identity.people import addresses_of
from bot.phones import normalize_phone
from handlers.account.flows.places import PickPlace, municipality_name
from handlers.needs.flows.categories import category_options
from handlers.ngos.inn import InnProblem, InvalidInn, check_organization_inn
from handlers.ngos.ngos import InnTaken, inn_taken, may_register, register_organization

DONE, ADD, AGAIN = "done", "add", "again"
CONTINUE = N_("That's all, continue")
INN_PROBLEMS = {
    InnProblem.format: N_("An INN has 14 digits, and an organization's starts with 0. Check it."),
    InnProblem.personal: N_(
        "This is a personal INN. Write the INN of the organization: it starts with 0."
    ),
    InnProblem.date: N_(
        "This INN cannot be right: its digits 2 to 9 are the registration date (DDMMYYYY), "
        "and that is not a real past date. Check it."
    ),
}
INN_TAKEN = N_(
    "An NGO with this INN is registered already. To become a member, ask its members for their "
    "join code and choose “Join an NGO”."
)


def today(ctx: Context) -> date:
    """Today in the service's time zone (Bishkek), the latest registration date an INN may have."""
    return datetime.now(ZoneInfo(ctx.settings.timezone)).date()


class AskInn(Ask):
    """An organization's INN, checked by the rule and against NGOs already registered."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        try:
            inn = check_organization_inn(await super().accept(ctx, message), today(ctx))
        except InvalidInn as invalid:
            raise Invalid(ctx.t(INN_PROBLEMS[invalid.problem])) from None
        if await inn_taken(ctx.session, inn):
            raise Invalid(ctx.t(INN_TAKEN))
        return inn


async def known_phones(ctx: Context) -> list[str]:
    """The phone numbers the person writes from or has linked (E.164)."""
    addresses = await addresses_of(ctx.session, ctx.person.id)
    return [a.value for a in addresses if a.channel == PHONE_CHANNEL and not a.opted_out]


class AskPhone(AskContact):
    """A phone number to call: one the person is known by (their SMS number), a shared contact
    (anyone's: the contact person may be a colleague), or a typed one."""

    async def choices(self, ctx: Context) -> list[Choice]:
        known = await known_phones(ctx)
        return [Choice(id=phone, label=phone, key=str(i)) for i, phone in enumerate(known, 1)]

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        known = await known_phones(ctx)
        typed = message.text.strip()
        if message.choice in known:
            return message.choice
        if typed.isdigit() and 1 <= int(typed) <= len(known):
            return known[int(typed) - 1]
        phone = normalize_phone(message.contact_phone or typed)
        if phone is None:
            raise Invalid(
                ctx.t(N_("This phone number does not look right. Write it like 0555 123 456."))
            )
        return phone


async def _phone_prompt(ctx: Context) -> str:
    if await known_phones(ctx):
        return ctx.t(N_("Which phone number should staff call? Choose yours, or write another."))
    if ctx.caps.contact:
        return ctx.t(N_("Which phone number should staff call? Share yours, or write one."))
    return ctx.t(N_("Which phone number should staff call? Write it like 0555 123 456."))


OptionsOf = Callable[[Context], Awaitable[Sequence[Option]]]


class ChooseMany(Choose):
    """Options picked one at a time into the list `ctx.answers[into]`; once one is picked,
    “That's all, continue” ends the step. `exits` are options that end it too (“another
    municipality…”), answered as their id."""

    def __init__(
        self,
        name: str,
        prompt: Text,
        options: OptionsOf,
        *,
        into: str,
        exits: Sequence[tuple[str, str]] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(name, prompt, self._all, **kwargs)
        self._source, self.into, self.exits = options, into, exits

    async def _all(self, ctx: Context) -> Sequence[Option]:
        chosen = {str(i) for i in ctx.answers.get(self.into) or []}
        done = translated_options(ctx, [(DONE, CONTINUE)]) if chosen else []
        rest = [o for o in await self._source(ctx) if o.id not in chosen]
        return [*done, *rest, *translated_options(ctx, self.exits)]

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if value == DONE or value in dict(self.exits):
            return value
        ctx.answers[self.into] = [*(ctx.answers.get(self.into) or []), int(value)]
        raise Reask


class CollectPlace(PickPlace):
    """A level of the place tree whose municipality, once reached, joins `ctx.answers[into]`."""

    def __init__(self, level: int, prompt: Text, after: str, into: str, **kwargs: Any) -> None:
        super().__init__(level, prompt, after, **kwargs)
        self.into = into

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        chosen = list(ctx.answers.get(self.into) or [])
        if ctx.answers.get("place_leaf") and int(value) not in chosen:
            ctx.answers[self.into] = [*chosen, int(value)]
        return value


def collect_places(after: str, into: str, first: Text, **kwargs: Any) -> list[CollectPlace]:
    """The three levels of choosing a municipality that joins `into`, asked first with `first`;
    then the step `after`."""
    return [
        CollectPlace(0, first, after, into, **kwargs),
        CollectPlace(1, N_("Choose the district or town."), after, into, **kwargs),
        CollectPlace(2, N_("Choose the ayil aimak or town."), after, into, **kwargs),
    ]


async def names_of_places(ctx: Context, ids: Sequence[int]) -> str:
    """“Barpy, Pokrovka”: municipalities by name in the reader's language."""
    return ", ".join([await municipality_name(ctx, i) for i in ids]) or "—"


async def names_of_sectors(ctx: Context, ids: Sequence[int]) -> str:
    """“Education, Youth”: sectors by name in the reader's language."""
    names = {o.id: o.label for o in await category_options(ctx)}
    return ", ".join(names.get(str(i), "?") for i in ids) or "—"


def _first_place_prompt(ctx: Context) -> str:
    if ctx.answers.get("municipality_ids"):
        return ctx.t(N_("Choose the region, or type the name of the village or town."))
    return ctx.t(
        N_("Where does the NGO work? Choose the region, or type the name of the village or town.")
    )


async def _places_prompt(ctx: Context) -> str:
    chosen = await names_of_places(ctx, ctx.answers.get("municipality_ids") or [])
    return ctx.t(N_("The NGO works in: {places}. Add another municipality?"), places=chosen)


async def _places_options(ctx: Context) -> Sequence[Option]:
    pairs = ((DONE, CONTINUE), (ADD, N_("Add another municipality")), (AGAIN, N_("Start over")))
    return translated_options(ctx, pairs)


def _after_places(ctx: Context) -> str:
    if ctx.answers["more_places"] == AGAIN:
        ctx.answers["municipality_ids"] = []
    return "sectors" if ctx.answers["more_places"] == DONE else "place1"


async def _sectors_prompt(ctx: Context) -> str:
    question = ctx.t(N_("Which sectors does the NGO serve? Choose one, then more if you like."))
    chosen = ctx.answers.get("category_ids")
    if not chosen:
        return question
    return question + "\n" + ctx.t(N_("Chosen: {names}"), names=await names_of_sectors(ctx, chosen))


async def _summary(ctx: Context) -> str:
    answers = ctx.answers
    lines = [
        ctx.t(N_("Please check the application:")),
        ctx.t(N_("NGO: {name}"), name=answers["name"]),
        ctx.t(N_("INN: {inn}"), inn=answers["inn"]),
        ctx.t(N_("Contact person: {name}"), name=answers["contact"]),
        ctx.t(N_("Phone: {phone}"), phone=answers["phone"]),
        ctx.t(
            N_("Municipalities: {places}"),
            places=await names_of_places(ctx, answers["municipality_ids"]),
        ),
        ctx.t(N_("Sectors: {names}"), names=await names_of_sectors(ctx, answers["category_ids"])),
        "",
        ctx.t(
            N_("Send it for review? (To change something, write {back}.)"),
            back=shown_keyword(ctx.language, "back"),
        ),
    ]
    return "\n".join(lines)


async def _short_summary(ctx: Context) -> str:
    return ctx.t(N_("Send the application of “{name}” for review?"), name=ctx.answers["name"])


async def _finish(ctx: Context) -> str | None:
    answers = ctx.answers
    if not answers.get("confirm"):
        ctx.say(ctx.t(N_("Not sent. The application was not saved.")))
        return None
    try:
        await register_organization(
            ctx.session,
            ctx.person,
            name=answers["name"],
            inn=answers["inn"],
            contact_name=answers["contact"],
            contact_phone=answers["phone"],
            municipality_ids=answers["municipality_ids"],
            category_ids=answers["category_ids"],
            today=today(ctx),
        )
    except InnTaken:  # registered by someone else while this person was answering
        ctx.say(ctx.t(INN_TAKEN))
        return None
    ctx.say(
        ctx.t(
            N_(
                "Thank you! The application of “{name}” has been sent. Municipal staff will "
                "review it, and we will write to you here once it is decided."
            ),
            name=answers["name"],
        )
    )
    return None


def build() -> Flow:
    """Anyone who has given consent and is not yet in an NGO applies for theirs."""
    return Flow(
        "ngo_register",
        [
            Ask("name", N_("What is the full name of the NGO?"), min_length=2, max_length=200),
            AskInn(
                "inn",
                N_("What is the NGO's INN? It has 14 digits and starts with 0."),
                max_length=40,
            ),
            Ask(
                "contact",
                N_("Who is the NGO's contact person? Write their full name."),
                min_length=2,
                max_length=120,
            ),
            AskPhone("phone", _phone_prompt),
            *collect_places("more_places", "municipality_ids", _first_place_prompt),
            Choose("more_places", _places_prompt, _places_options, next=_after_places),
            ChooseMany("sectors", _sectors_prompt, category_options, into="category_ids"),
            Confirm("confirm", _summary, short=_short_summary),
        ],
        _finish,
        drafts=True,
        allowed=may_register,
        refusal=N_(
            "An NGO can be registered by someone who has given consent (in the menu) and is not "
            "a member of an NGO yet."
        ),
    )
