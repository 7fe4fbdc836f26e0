"""Report a need: category → description → photo → place → confirm → a reference number."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.keywords import shown_keyword
from bot.conversation.steps import Ask, AskPhoto, AskPlace, Choose, Confirm
from bot.i18n import N_
from handlers.account.groups import offer_after
from handlers.needs.flows.categories import category_options
from handlers.needs.needs import report_need
from models import Category, ConsentStatus, Person


def _place_prompt(ctx: Context) -> str:
    if ctx.caps.location:
        return ctx.t(
            N_("Where is it? Share your location with the button, or write the village and street.")
        )
    return ctx.t(N_("Where is it? Write the village and street."))


async def _summary(ctx: Context) -> str:
    answers = ctx.answers
    category = await ctx.session.get(Category, int(answers["category"]))
    place = answers.get("place") or {}
    if "place" in place:
        where = place["place"]
    elif place:
        where = ctx.t(N_("location shared"))
    else:
        where = "—"
    lines = [
        ctx.t(N_("Please check your report:")),
        ctx.t(N_("Category: {name}"), name=category.name(ctx.language) if category else "?"),
        ctx.t(N_("Description: {text}"), text=answers["description"]),
        ctx.t(N_("Place: {place}"), place=where),
    ]
    if answers.get("photo"):
        lines.append(ctx.t(N_("Photo: attached")))
    lines.append("")
    lines.append(
        ctx.t(
            N_("Send it to the municipality? (To change something, write {back}.)"),
            back=shown_keyword(ctx.language, "back"),
        )
    )
    return "\n".join(lines)


async def _short_summary(ctx: Context) -> str:
    category = await ctx.session.get(Category, int(ctx.answers["category"]))
    name = category.name(ctx.language) if category else "?"
    return ctx.t(N_("Send your report ({category}) to the municipality?"), category=name)


async def _finish(ctx: Context) -> str | None:
    answers = ctx.answers
    if not answers.get("confirm"):
        ctx.say(ctx.t(N_("Not sent. Your report was not saved.")))
        return None
    need = await report_need(
        ctx.session,
        ctx.person,
        category_id=int(answers["category"]),
        description=answers["description"],
        photo_ref=answers.get("photo"),
        place=answers.get("place"),
    )
    ctx.say(
        ctx.t(
            N_("Thank you! Your report has been sent to the municipality. Its number is {ref}."),
            ref=need.reference,
        )
    )
    return await offer_after(ctx.session, ctx.settings, ctx.person)


def _may_report(person: Person) -> bool:
    return person.consent == ConsentStatus.given and person.municipality_id is not None


def build() -> Flow:
    """A resident reports a need of their community; answers survive a detour to the menu."""
    return Flow(
        "report_need",
        [
            Choose("category", N_("What is the need about? Choose a category."), category_options),
            Ask(
                "description",
                N_("Describe the need in a few sentences: what is missing and for whom."),
                min_length=2,
                max_length=1000,
            ),
            AskPhoto(
                "photo",
                N_("If you have a photo, send it now. Otherwise skip this step."),
                when=lambda ctx: ctx.caps.photos,
            ),
            AskPlace("place", _place_prompt),
            Confirm("confirm", _summary, short=_short_summary),
        ],
        _finish,
        drafts=True,
        allowed=_may_report,
        refusal=N_(
            "To report a need, first give your consent to the processing of your data (in the menu)."
        ),
    )
