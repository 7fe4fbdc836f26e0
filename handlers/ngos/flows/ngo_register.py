"""Register an NGO: name → INN → contact person → phone → municipalities → sectors → confirm.

The application waits for municipal staff; the person who sends it is the NGO's first member.
Municipalities are picked one at a time (a loop over the place tree), sectors with
ChooseSeveral; the subscriptions flow picks them the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.keywords import shown_keyword
from bot.conversation.messages import Choice, Inbound
from bot.conversation.repeat import Repeat
from bot.conversation.several import CONTINUE, ChooseSeveral
from bot.conversation.steps import (
    Ask,
    AskContact,
    Choose,
    Confirm,
    Invalid,
    Option,
    Text,
    translated_options,
)
from bot.i18n import N_
from bot.identity.linking import phone_channels
from bot.identity.people import addresses_of
from bot.phones import normalize_phone
from bot.text import typed_number
from handlers.account.flows.places import PickPlace, chosen_in, municipality_name
from handlers.needs.flows.categories import category_options
from handlers.ngos.inn import InnProblem, InvalidInn, check_organization_inn
from handlers.ngos.ngos import InnTaken, inn_taken, may_register, register_organization

DONE, ADD, AGAIN = "done", "add", "again"
PLACES = "places"  # the loop of municipalities picked, one a pass
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
    phones = phone_channels()
    known = [a.value for a in addresses if a.channel in phones and not a.opted_out]
    return list(dict.fromkeys(known))  # one number on SMS and WhatsApp is one choice


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
        number = typed_number(typed)
        if number is not None and 1 <= number <= len(known):
            return known[number - 1]
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


def place_picks(after: str, first: Text, **kwargs: Any) -> list[PickPlace]:
    """The three levels of picking one municipality in a pass of a loop, asked first with
    `first`; reaching a municipality goes on to `after` (a step, or the loop: the pass ends)."""
    return [
        PickPlace(0, first, after, **kwargs),
        PickPlace(1, N_("Choose the district or town."), after, **kwargs),
        PickPlace(2, N_("Choose the ayil aimak or town."), after, **kwargs),
    ]


def registered_places(ctx: Context) -> list[int]:
    """The municipalities picked so far (passes of `places`, and the one being picked);
    “Start over” drops those before it, and its own."""
    ids: list[int] = []
    for item in [*(ctx.answers.get(PLACES) or []), ctx.answers]:
        if item.get("more_places") == AGAIN:
            ids = []
            continue
        chosen = chosen_in(item)
        if chosen is not None and chosen not in ids:
            ids.append(chosen)
    return ids


async def names_of_places(ctx: Context, ids: Sequence[int]) -> str:
    """“Barpy, Pokrovka”: municipalities by name in the reader's language."""
    return ", ".join([await municipality_name(ctx, i) for i in ids]) or "—"


async def names_of_sectors(ctx: Context, ids: Sequence[int]) -> str:
    """“Education, Youth”: sectors by name in the reader's language."""
    names = {o.id: o.label for o in await category_options(ctx)}
    return ", ".join(names.get(str(i), "?") for i in ids) or "—"


def _first_place_prompt(ctx: Context) -> str:
    if registered_places(ctx):
        return ctx.t(N_("Choose the region, or type the name of the village or town."))
    return ctx.t(
        N_("Where does the NGO work? Choose the region, or type the name of the village or town.")
    )


async def _places_prompt(ctx: Context) -> str:
    chosen = await names_of_places(ctx, registered_places(ctx))
    return ctx.t(N_("The NGO works in: {places}. Add another municipality?"), places=chosen)


async def _places_options(ctx: Context) -> Sequence[Option]:
    pairs = ((DONE, CONTINUE), (ADD, N_("Add another municipality")), (AGAIN, N_("Start over")))
    return translated_options(ctx, pairs)


async def _sectors_prompt(ctx: Context) -> str:
    question = ctx.t(N_("Which sectors does the NGO serve? Choose one, then more if you like."))
    chosen = ctx.answers.get("sectors")
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
            places=await names_of_places(ctx, registered_places(ctx)),
        ),
        ctx.t(N_("Sectors: {names}"), names=await names_of_sectors(ctx, answers["sectors"])),
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
            municipality_ids=registered_places(ctx),
            category_ids=[int(i) for i in answers["sectors"]],
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
            Repeat(
                PLACES,
                place_picks("more_places", _first_place_prompt),
                more=Choose("more_places", _places_prompt, _places_options),
                again=lambda ctx: ctx.answers.get("more_places") != DONE,
            ),
            ChooseSeveral("sectors", _sectors_prompt, category_options),
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
