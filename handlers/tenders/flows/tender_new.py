"""Staff announce a tender: (admins: the municipality) → title → description → sector → budget →
deadline → how to apply → document link → preview → publish now or keep as a draft."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import Flow, staff_only
from bot.conversation.steps import Ask, Choose, Option, translated_options
from bot.formats import format_time
from bot.i18n import N_
from bot.text import shorten
from handlers.account.flows.places import PickPlace, chosen_municipality, municipality_name
from handlers.needs.flows.categories import category_options
from handlers.tenders.alerts import money
from handlers.tenders.flows.tender_steps import (
    AskBudget,
    AskDeadline,
    AskLink,
    deadline_of,
    refusal,
    with_alerted,
)
from handlers.tenders.tenders import Draft, TenderError, create_tender, publish
from models import Category, Role

PUBLISH, DRAFT, DISCARD = "publish", "draft", "discard"
OUTCOMES = (
    (PUBLISH, N_("Publish now")),
    (DRAFT, N_("Save as draft")),
    (DISCARD, N_("Discard it")),
)


def _is_admin(ctx: Context) -> bool:
    return ctx.person.role == Role.admin


def _municipality(ctx: Context) -> int | None:
    """Staff announce for their own municipality; admins for the one they picked."""
    return chosen_municipality(ctx) if _is_admin(ctx) else ctx.person.staff_municipality_id


def _draft(ctx: Context) -> Draft:
    answers = ctx.answers
    return Draft(
        municipality_id=_municipality(ctx) or 0,
        category_id=int(answers["category"]),
        title=answers["title"],
        description=answers["description"],
        budget=Decimal(answers["budget"]),
        deadline=deadline_of(answers["deadline"]),
        how_to_apply=answers["how_to_apply"],
        document_url=answers.get("document"),
        language=ctx.language,
    )


async def _preview(ctx: Context) -> str:
    draft = _draft(ctx)
    budget = ctx.t(N_("Budget: {budget}"), budget=money(draft.budget, ctx.translator))
    deadline = ctx.t(
        N_("Deadline: {time} (Bishkek time)"),
        time=format_time(draft.deadline, ctx.settings.timezone, ctx.language),
    )
    if ctx.caps.compact:  # on SMS: what a typo would spoil most
        return "\n".join(
            [ctx.t(N_("Please check the tender:")), shorten(draft.title, 40), budget, deadline]
        )
    category = await ctx.session.get(Category, draft.category_id)
    lines = [
        ctx.t(N_("Please check the tender:")),
        f"{await municipality_name(ctx, draft.municipality_id)}: {draft.title}",
        ctx.t(N_("Sector: {sector}"), sector=category.name(ctx.language) if category else "?"),
        budget,
        deadline,
        ctx.t(N_("How to apply: {how}"), how=draft.how_to_apply),
    ]
    if draft.document_url:
        lines.append(ctx.t(N_("Documents: {url}"), url=draft.document_url))
    lines.append(ctx.t(N_("Full text: {description}"), description=draft.description))
    return "\n".join(lines)


async def _outcomes(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, OUTCOMES)


async def _finish(ctx: Context) -> str | None:
    if ctx.answers.get("outcome") == DISCARD:
        ctx.say(ctx.t(N_("The tender was discarded. Nothing was saved.")))
        return None
    try:
        tender = await create_tender(ctx.session, ctx.person, _draft(ctx))
        if ctx.answers["outcome"] == DRAFT:
            ctx.say(
                ctx.t(
                    N_(
                        "Tender {ref} is saved as a draft. Only staff see it. Publish it under “Tenders (staff)”."
                    ),
                    ref=tender.reference,
                )
            )
            return None
        alerted = await publish(ctx.session, ctx.person, tender, ctx.settings)
    except PermissionDenied:
        ctx.say(ctx.t(N_("You may announce tenders only for your own municipality.")))
        return None
    except TenderError as error:
        ctx.say(refusal(ctx, error))
        return None
    published = ctx.t(N_("Tender {ref} is published."), ref=tender.reference)
    ctx.say(with_alerted(ctx, alerted, published))
    return None


def build() -> Flow:
    """Staff announce for their municipality, admins for any one; unfinished answers wait as a
    draft of the conversation when the person leaves for the menu."""
    admin = {"when": _is_admin}
    return Flow(
        "tender_new",
        [
            PickPlace(
                0,
                N_("For which municipality? Choose the region, or type the name."),
                "title",
                **admin,
            ),
            PickPlace(1, N_("Choose the district or town."), "title", **admin),
            PickPlace(2, N_("Choose the ayil aimak or town."), "title", **admin),
            Ask(
                "title",
                N_(
                    "What is the tender for? Write a short title, like “Home care for the elderly”."
                ),
                short=N_("Tender title?"),
                min_length=5,
                max_length=300,
            ),
            Ask(
                "description",
                N_("Describe the service: what is to be done, for whom, where and for how long."),
                short=N_("Describe the service."),
                min_length=20,
                max_length=3000,
            ),
            Choose("category", N_("Which sector is it in?"), category_options),
            AskBudget(
                "budget",
                N_("What is the budget in som? Write a number, like 150000."),
                short=N_("Budget in som?"),
            ),
            AskDeadline(
                "deadline",
                N_(
                    "Until when are applications accepted? Write it like 2026-12-01 18:00 (Bishkek time)."
                ),
                short=N_("Deadline? Like 2026-12-01 18:00"),
            ),
            Ask(
                "how_to_apply",
                N_(
                    "How and where do NGOs apply? For example: the address, an e-mail, the papers needed."
                ),
                short=N_("How and where to apply?"),
                min_length=10,
                max_length=1000,
            ),
            AskLink(
                "document",
                N_("A link to the tender documents (https://…), or skip this step."),
                short=N_("Link to documents, or 0 to skip."),
            ),
            Choose("outcome", _preview, _outcomes),
        ],
        _finish,
        drafts=True,
        allowed=staff_only,
    )
