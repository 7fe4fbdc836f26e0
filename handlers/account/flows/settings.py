"""Settings: language, municipality, phone, the optional answers about oneself, and deleting
one's personal data."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation.context import Context
from bot.conversation.flow import FINISH, Flow
from bot.conversation.steps import AskContact, Choose, Confirm, Option, translated_options
from bot.i18n import N_
from bot.identity.linking import link_phone
from handlers.account import groups
from handlers.account.flows.places import municipality_name, place_steps, store_place
from handlers.account.privacy import delete_personal_data
from models import ConsentStatus

CHOICES = (
    ("language", N_("Language")),
    ("municipality", N_("My municipality")),
    ("phone", N_("Link my phone number")),
    ("about_me", N_("About me")),
    ("delete", N_("Delete my data")),
)
DELETE_SHORT = N_("Delete your contacts and settings? Your reports stay, with no link to you.")
DELETE_PROMPT = N_(
    "This deletes your contacts, your settings and the link between you and your reports. The "
    "texts of your reports stay, without any link to you, for the municipality's statistics. "
    "Delete your data?"
)


async def _options(ctx: Context) -> Sequence[Option]:
    consented = ctx.person.consent == ConsentStatus.given
    # with the questions off, "About me" stays for those who have answers to delete
    about_me = consented and (
        groups.questions_on(ctx.settings)
        or groups.has_answers(await groups.answers_of(ctx.session, ctx.person))
    )
    shown = [
        (key, label)
        for key, label in CHOICES
        if (consented or key not in ("municipality", "phone"))
        and (key != "phone" or ctx.caps.contact)  # on SMS the phone is the address already
        and (key != "about_me" or about_me)
    ]
    return translated_options(ctx, shown)


async def _what_prompt(ctx: Context) -> str:
    if ctx.person.municipality_id is None:
        return ctx.t(N_("Settings. What would you like to change?"))
    return ctx.t(
        N_("Settings. Your municipality: {place}. What would you like to change?"),
        place=await municipality_name(ctx, ctx.person.municipality_id),
    )


def _route(ctx: Context) -> str | None:
    routes = {"municipality": "place1", "phone": "phone", "delete": "confirm_delete"}
    return routes.get(ctx.answers["what"], FINISH)


async def _finish(ctx: Context) -> str | None:
    what = ctx.answers["what"]
    if what == "language":
        return "language"
    if what == "about_me":
        return groups.GROUPS_FLOW
    if what == "municipality":
        await store_place(ctx)
        name = await municipality_name(ctx, ctx.person.municipality_id)
        ctx.say(ctx.t(N_("Your municipality is now {place}."), place=name))
        return None
    if what == "phone":
        if ctx.answers.get("phone"):
            await link_phone(ctx.session, ctx.person, ctx.answers["phone"])
            ctx.say(
                ctx.t(
                    N_("Thank you! Your phone number is linked: you can also write to us by SMS.")
                )
            )
        return None
    if not ctx.answers.get("confirm_delete"):
        ctx.say(ctx.t(N_("Nothing was deleted.")))
        return None
    goodbye = ctx.t(
        N_("Your data has been deleted. Thank you for taking part. Write to us again at any time.")
    )
    await delete_personal_data(ctx.session, ctx.person)
    ctx.person_deleted = True
    ctx.say(goodbye)
    return None


def build() -> Flow:
    """What a person can change about themselves."""
    return Flow(
        "settings",
        [
            Choose("what", _what_prompt, _options, next=_route),
            *place_steps(),
            AskContact(
                "phone",
                N_(
                    "Share your phone number with the button, or write it. Then you can also write to us by SMS."
                ),
                next=lambda ctx: None,
            ),
            Confirm("confirm_delete", DELETE_PROMPT, short=DELETE_SHORT),
        ],
        _finish,
    )
