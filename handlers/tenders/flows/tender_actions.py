"""What staff can do to one tender, as steps of the "staff_tenders" flow: publish a draft, edit a field,
move the deadline, cancel with a reason, award it to an NGO — and doing it once answered."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from bot.conversation.context import Context
from bot.conversation.flow import FINISH
from bot.conversation.messages import Inbound
from bot.conversation.steps import Ask, Choose, Confirm, Invalid, Option, Step, translated_options
from bot.formats import format_time
from bot.i18n import N_
from handlers.needs.flows.categories import category_options
from handlers.tenders import tenders
from handlers.tenders.flows.tender_steps import (
    AskBudget,
    AskDeadline,
    AskLink,
    deadline_of,
    with_alerted,
)
from handlers.tenders.questions import award_question, publish_question
from handlers.tenders.tenders import award_candidates, tender_for_staff
from models import Organization, Tender, TenderStatus

PUBLISH, EDIT, DEADLINE, CANCEL, AWARD = "publish", "edit", "deadline", "cancel", "award"

# field → (its label, the step that asks for the new value)
FIELDS = {
    "title": (N_("Title"), "new_title"),
    "description": (N_("Description"), "new_description"),
    "category_id": (N_("Sector"), "new_category"),
    "budget": (N_("Budget"), "new_budget"),
    "how_to_apply": (N_("How to apply"), "new_how_to_apply"),
    "document_url": (N_("Documents link"), "new_document_url"),
}


async def chosen_tender(ctx: Context) -> Tender:
    """The tender being managed, its scope checked again at every step (roles can change)."""
    return await tender_for_staff(ctx.session, ctx.person, int(ctx.answers["tender"]))


async def _fields(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, [(field, label) for field, (label, _) in FIELDS.items()])


class AskNewDeadline(AskDeadline):
    """A deadline later than the current one (for a draft: any time in the future)."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        answer = await super().accept(ctx, message)
        tender = await chosen_tender(ctx)
        if tender.status != TenderStatus.draft and deadline_of(answer) <= tender.deadline:
            raise Invalid(
                ctx.t(
                    N_("The new deadline must be later than the current one, {time}."),
                    time=format_time(tender.deadline, ctx.settings.timezone, ctx.language),
                )
            )
        return answer


async def _deadline_prompt(ctx: Context) -> str:
    tender = await chosen_tender(ctx)
    return ctx.t(
        N_("The deadline is now {time}. Write the new one like 2026-12-01 18:00 (Bishkek time)."),
        time=format_time(tender.deadline, ctx.settings.timezone, ctx.language),
    )


async def _organizations(ctx: Context) -> Sequence[Option]:
    return [
        Option(str(o.id), o.name, aliases=(o.inn,))
        for o in await award_candidates(ctx.session, await chosen_tender(ctx))
    ]


async def _has_organizations(ctx: Context) -> bool:
    return bool(await _organizations(ctx))


async def _award_prompt(ctx: Context) -> str:
    tender = await chosen_tender(ctx)
    winner = await ctx.session.get(Organization, int(ctx.answers["organization"]))
    amount = ctx.answers.get("amount")
    lines = award_question(
        ctx.translator,
        tender,
        winner.name if winner else "?",
        Decimal(amount) if amount else None,
        ctx.settings.timezone,
    )
    return "\n".join(lines)


async def _publish_prompt(ctx: Context) -> str:
    return publish_question(ctx.translator, await chosen_tender(ctx))


async def _cancel_prompt(ctx: Context) -> str:
    tender = await chosen_tender(ctx)
    if tender.status == TenderStatus.draft:
        return ctx.t(N_("Cancel the draft {ref}? Nobody has seen it."), ref=tender.reference)
    return ctx.t(
        N_("Cancel tender {ref}? The subscribed NGOs will be told the reason."),
        ref=tender.reference,
    )


async def _is_active(ctx: Context) -> bool:
    return (await chosen_tender(ctx)).status == TenderStatus.active


def _then(step: str) -> Any:
    return lambda ctx: step


def action_steps() -> list[Step]:
    """The questions after an action is chosen; the flow goes to the first of each action's
    steps (FIRST_STEPS) and each ends the flow when answered."""
    done = _then(FINISH)
    return [
        Confirm("confirm_publish", _publish_prompt, next=done),
        Choose("field", N_("What do you want to change?"), _fields, next=_after_field),
        Ask("new_title", N_("Write the new title."), min_length=5, max_length=300, next=done),
        Ask(
            "new_description",
            N_("Write the new description."),
            min_length=20,
            max_length=3000,
            next=done,
        ),
        Choose("new_category", N_("Which sector is it in?"), category_options, next=done),
        AskBudget("new_budget", N_("Write the new budget in som."), next=done),
        Ask(
            "new_how_to_apply",
            N_("Write anew how and where NGOs apply."),
            min_length=10,
            max_length=1000,
            next=done,
        ),
        AskLink(
            "new_document_url",
            N_("Write the new link to the documents, or skip this step to remove it."),
            next=done,
        ),
        AskNewDeadline("new_deadline", _deadline_prompt, next=done),
        Ask(
            "reason",
            N_("Why is the tender cancelled? The subscribed NGOs will read it."),
            min_length=3,
            max_length=500,
            when=_is_active,
            next=_then("confirm_cancel"),
        ),
        Confirm("confirm_cancel", _cancel_prompt, next=done),
        Choose(
            "organization",
            N_("Which NGO wins? These approved NGOs work in the tender's municipality."),
            _organizations,
            when=_has_organizations,
            next=lambda ctx: "amount" if ctx.answers.get("organization") else FINISH,
        ),
        AskBudget(
            "amount",
            N_("The contract amount in som, or skip this step."),
            optional=True,
            next=_then("confirm_award"),
        ),
        Confirm("confirm_award", _award_prompt, next=done),
    ]


FIRST_STEPS = {
    PUBLISH: "confirm_publish",
    EDIT: "field",
    DEADLINE: "new_deadline",
    CANCEL: "reason",
    AWARD: "organization",
}


def _after_field(ctx: Context) -> str:
    return FIELDS[ctx.answers["field"]][1]


def _new_value(ctx: Context) -> dict[str, Any]:
    field = ctx.answers["field"]
    value = ctx.answers.get(FIELDS[field][1])
    if field == "budget":
        value = Decimal(value)
    elif field == "category_id":
        value = int(value)
    return {field: value}


async def perform(ctx: Context, tender: Tender, action: str) -> str:
    """Do what the staff member chose and confirmed; what to tell them. The service checks the
    scope and the tender's status (TenderError, PermissionDenied)."""
    ref = tender.reference
    session, person, zone = ctx.session, ctx.person, ctx.settings.timezone
    # two staff acting on one tender at once: the second waits, then sees the first's change
    await session.refresh(tender, with_for_update=True)
    if action == PUBLISH:
        if not ctx.answers.get("confirm_publish"):
            return ctx.t(N_("Nothing was changed."))
        n = await tenders.publish(session, person, tender, ctx.settings)
        return with_alerted(ctx, n, ctx.t(N_("Tender {ref} is published."), ref=ref))
    if action == EDIT:
        n = await tenders.update(session, person, tender, _new_value(ctx), zone=zone)
        return with_alerted(ctx, n, ctx.t(N_("Tender {ref} is changed."), ref=ref))
    if action == DEADLINE:
        deadline = deadline_of(ctx.answers["new_deadline"])
        n = await tenders.extend_deadline(session, person, tender, deadline, zone=zone)
        text = ctx.t(
            N_("The deadline of {ref} is now {time}."),
            ref=ref,
            time=format_time(deadline, ctx.settings.timezone, ctx.language),
        )
        return with_alerted(ctx, n, text)
    if action == CANCEL:
        if not ctx.answers.get("confirm_cancel"):
            return ctx.t(N_("Nothing was changed."))
        reason = ctx.answers.get("reason") or ctx.t(N_("The draft was not published."))
        n = await tenders.cancel(session, person, tender, reason, zone=zone)
        return with_alerted(ctx, n, ctx.t(N_("Tender {ref} is cancelled."), ref=ref))
    if action == AWARD:
        if not ctx.answers.get("organization"):
            return ctx.t(
                N_("No approved NGO works in this municipality yet, so there is no one to award.")
            )
        if not ctx.answers.get("confirm_award"):
            return ctx.t(N_("Nothing was changed."))
        winner = await ctx.session.get(Organization, int(ctx.answers["organization"]))
        amount = ctx.answers.get("amount")
        n = await tenders.award(
            session, person, tender, winner, Decimal(amount) if amount else None, zone=zone
        )
        text = ctx.t(N_("Tender {ref} is awarded to “{name}”."), ref=ref, name=winner.name)
        return with_alerted(ctx, n, text)
    raise ValueError(f"unknown tender action {action!r}")
