"""Staff: "Tenders (staff)" — their municipality's tenders (admins: all), newest first, drafts
included; a new one; or one tender's details and what can be done to it by its status."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import FINISH, Flow, staff_only
from bot.conversation.messages import Inbound
from bot.conversation.steps import Choose, Invalid, Option, translated_options
from bot.formats import format_day, local_day
from bot.i18n import N_
from bot.text import shorten, typed_number
from handlers.tenders.flows.tender_actions import (
    AWARD,
    CANCEL,
    DEADLINE,
    EDIT,
    FIRST_STEPS,
    PUBLISH,
    action_steps,
    chosen_tender,
    perform,
)
from handlers.tenders.flows.tender_steps import REFUSALS, describe_tender, refusal, status_name
from handlers.tenders.tenders import TenderError, tender_for_staff, tenders_for_staff
from models import TenderStatus

NEW, OTHERS, DONE = "new", "others", "done"
ACTIONS = (
    (PUBLISH, N_("Publish")),
    (EDIT, N_("Edit")),
    (DEADLINE, N_("Change the deadline")),
    (AWARD, N_("Award to an NGO")),
    (CANCEL, N_("Cancel the tender")),
    (OTHERS, N_("Other tenders")),
    (DONE, N_("Done")),
)
# what each status allows (besides looking at others, or being done)
ALLOWED = {
    TenderStatus.draft: (PUBLISH, EDIT, DEADLINE, CANCEL),
    TenderStatus.active: (EDIT, DEADLINE, AWARD, CANCEL),
    TenderStatus.awarded: (),
    TenderStatus.cancelled: (),
}


def parse_tender_reference(text: str) -> int | None:
    """T-000012, t12, Т-12 (Cyrillic) → 12; None if the text is not a tender number."""
    compact = text.strip().upper().replace(" ", "").replace("Т", "T")
    if not compact.startswith("T"):
        return None
    digits = compact[1:].lstrip("-")
    return typed_number(digits) if len(digits) <= 9 else None


async def _tender_options(ctx: Context) -> Sequence[Option]:
    new = N_("Announce a new tender")
    options = translated_options(ctx, [(NEW, new)])
    width = 20 if ctx.caps.compact else 40
    for tender in await tenders_for_staff(ctx.session, ctx.person):
        label = (
            f"{tender.reference} · {status_name(ctx, tender.status)} · "
            f"{format_day(local_day(tender.deadline, ctx.settings.timezone), ctx.language)} · "
            f"{shorten(tender.title, width)}"
        )
        options.append(Option(str(tender.id), label, aliases=(tender.reference,)))
    return options


class ChooseTender(Choose):
    """One of the listed tenders, or any of the staff member's by its number (T-000012)."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        number = parse_tender_reference(message.text) if message.choice is None else None
        value = str(number) if number is not None else await super().accept(ctx, message)
        if value == NEW:
            return value
        try:
            await tender_for_staff(ctx.session, ctx.person, int(value))
        except (PermissionDenied, TenderError):
            raise Invalid(ctx.t(REFUSALS["not_found"])) from None
        return value


async def _detail(ctx: Context) -> str:
    return await describe_tender(ctx, await chosen_tender(ctx))


async def _action_options(ctx: Context) -> Sequence[Option]:
    allowed = ALLOWED[(await chosen_tender(ctx)).status]
    return translated_options(
        ctx, [a for a in ACTIONS if a[0] in allowed or a[0] in (OTHERS, DONE)]
    )


def _after_action(ctx: Context) -> str:
    return FIRST_STEPS.get(ctx.answers["action"], FINISH)


async def _finish(ctx: Context) -> str | None:
    chosen = ctx.answers.get("tender")
    if chosen == NEW:
        return "tender_new"
    action = ctx.answers.get("action")
    if action == OTHERS:
        return "staff_tenders"
    if chosen is None or action in (None, DONE):
        return None
    try:
        tender = await chosen_tender(ctx)
        ctx.say(await perform(ctx, tender, action))
    except PermissionDenied:
        ctx.say(ctx.t(REFUSALS["not_found"]))
    except TenderError as error:
        ctx.say(refusal(ctx, error))
    return None


def build() -> Flow:
    """Staff see and manage their municipality's tenders; admins every municipality's. Each step
    checks the scope again through the service."""
    return Flow(
        "staff_tenders",
        [
            ChooseTender(
                "tender",
                N_(
                    "Tenders, newest first. Choose one to see and manage it, type its number (T-000012), or announce a new one."
                ),
                _tender_options,
                short=N_("Tenders: choose one, or type its number."),
                next=lambda ctx: FINISH if ctx.answers["tender"] == NEW else "action",
            ),
            Choose("action", _detail, _action_options, next=_after_action),
            *action_steps(),
        ],
        _finish,
        allowed=staff_only,
    )
