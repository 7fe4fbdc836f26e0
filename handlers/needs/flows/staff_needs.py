"""Staff: the needs of their municipality — filter, open, change status, tell the reporter."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.audit import PermissionDenied
from bot.conversation.context import Context
from bot.conversation.flow import Flow, staff_only
from bot.conversation.messages import Inbound, Photo
from bot.conversation.steps import (
    Ask,
    Choose,
    Confirm,
    Invalid,
    Option,
    Reask,
    translated_options,
)
from bot.i18n import N_, language_name
from bot.text import shorten
from handlers.needs.flows.categories import category_options
from handlers.needs.needs import (
    STATUS_NAMES,
    category_name,
    change_status,
    is_backwards,
    need_for_staff,
    staff_needs,
    status_notice,
    supports_of,
)
from models import Need, NeedStatus, Person
from models.need import parse_reference

FILTERS = (
    ("new", N_("New reports")),
    ("open", N_("All open")),
    *((status.value, STATUS_NAMES[status]) for status in NeedStatus if status != NeedStatus.new),
    ("all", N_("All")),
    ("category", N_("By category")),
)
PHOTO = "photo"


class ByReference(Choose):
    """A list that also opens any need of the staff member's municipality by its number."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        need_id = parse_reference(message.text) if message.choice is None else None
        if need_id is None:
            value = await super().accept(ctx, message)
            if self.name == "filter":
                ctx.answers.pop("need", None)  # a new filter: nothing is open yet
            return value
        try:
            await need_for_staff(ctx.session, ctx.person, need_id)
        except PermissionDenied:
            raise Invalid(
                ctx.t(N_("There is no report with this number in your municipality."))
            ) from None
        ctx.answers["need"] = str(need_id)
        return str(need_id) if self.name == "need" else f"ref:{need_id}"


async def _filter_options(ctx: Context) -> Sequence[Option]:
    # status names are lowercase words inside sentences; as options of a list, capitalised
    # like the other filters
    return [
        Option(option.id, option.label[:1].upper() + option.label[1:], option.aliases)
        for option in translated_options(ctx, FILTERS)
    ]


async def _need_options(ctx: Context) -> Sequence[Option]:
    chosen = ctx.answers["filter"]
    status = NeedStatus(chosen) if chosen in NeedStatus.__members__ else None
    category = int(ctx.answers["category"]) if chosen == "category" else None
    needs = await staff_needs(ctx.session, ctx.person, status=status, category_id=category)
    if chosen == "open":
        needs = [n for n in needs if n.status.is_open]
    return [
        Option(
            str(n.id),
            f"{n.reference} · {ctx.t(STATUS_NAMES[n.status])} · {shorten(n.description, 30)}",
            aliases=(n.reference,),
        )
        for n in needs
    ]


async def _has_needs(ctx: Context) -> bool:
    return not ctx.answers["filter"].startswith("ref:") and bool(await _need_options(ctx))


async def _need(ctx: Context) -> Need:
    return await need_for_staff(ctx.session, ctx.person, int(ctx.answers["need"]))


async def _detail(ctx: Context) -> str:
    need = await _need(ctx)
    lines = [
        f"{need.reference} · {await category_name(ctx.session, need.category_id, ctx.language)}",
        ctx.t(N_("Status: {status}"), status=ctx.t(STATUS_NAMES[need.status])),
        shorten(need.description, 90) if ctx.caps.compact else need.description,
    ]
    if need.place:
        lines.append(ctx.t(N_("Place: {place}"), place=need.place))
    if need.latitude is not None:
        lines.append(
            ctx.t(
                N_("Location: {lat}, {lon}"),
                lat=f"{need.latitude:.5f}",
                lon=f"{need.longitude:.5f}",
            )
        )
    count = await supports_of(ctx.session, need.id)
    lines.append(ctx.tn("Supported by {n} person.", "Supported by {n} people.", count))
    if need.staff_comment:
        lines.append(
            ctx.t(N_("Comment from the municipality: {comment}"), comment=need.staff_comment)
        )
    lines += ["", ctx.t(N_("Set a new status:"))]
    return "\n".join(lines)


async def _short_detail(ctx: Context) -> str:
    """The same on SMS: the number, status and the start of the description."""
    need = await _need(ctx)
    status = ctx.t(STATUS_NAMES[need.status])
    return f"{need.reference} · {status}\n{shorten(need.description, 50)}\n{ctx.t(N_('Set a new status:'))}"


class ChooseAction(Choose):
    """A new status for the need, or a look at its photo (then the same question again)."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if value == PHOTO:
            need = await _need(ctx)
            ctx.say(need.reference, photo=Photo(need.photo_ref or ""))
            raise Reask
        return value


async def _action_options(ctx: Context) -> Sequence[Option]:
    need = await _need(ctx)
    options = translated_options(
        ctx,
        [
            (status.value, STATUS_NAMES[status])
            for status in NeedStatus
            if status not in (NeedStatus.new, need.status)
        ],
    )
    if need.photo_ref:
        options += translated_options(ctx, [(PHOTO, N_("View photo"))])
    return options


async def _asks_comment(ctx: Context) -> bool:
    return "action" in ctx.answers and not await _needs_reason(ctx)


def _chosen_status(ctx: Context) -> NeedStatus | None:
    action = ctx.answers.get("action")
    return NeedStatus(action) if action in NeedStatus.__members__ else None


async def _needs_reason(ctx: Context) -> bool:
    """A rejection, or a step back (in progress → received): the resident is told why."""
    status = _chosen_status(ctx)
    if status is None:
        return False
    return status == NeedStatus.rejected or is_backwards((await _need(ctx)).status, status)


async def _reason_prompt(ctx: Context) -> str:
    status = _chosen_status(ctx)
    if status == NeedStatus.rejected:
        return ctx.t(N_("Write the reason for the rejection. The resident will see it."))
    return ctx.t(
        N_("Why does the report go back to “{status}”? The resident will see it."),
        status=ctx.t(STATUS_NAMES[status]) if status else "—",
    )


class AskComment(Ask):
    """The comment the resident reads. A bare number is refused: it is a stray answer to a
    list (a status's number typed twice), not a comment anyone meant to send."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        if text is not None and text.replace(" ", "").isdecimal():
            raise Invalid(
                ctx.t(N_("That is only a number. Write the comment in words, or skip this step."))
            )
        return text


def _comment(ctx: Context) -> str | None:
    return ctx.answers.get("reason") or ctx.answers.get("comment")


async def _preview(ctx: Context) -> str:
    """What the resident will receive, in their language, before anything is sent."""
    need = await _need(ctx)
    status = NeedStatus(ctx.answers["action"])
    change = ctx.t(
        N_("Change {ref} from “{old}” to “{new}”?"),
        ref=need.reference,
        old=ctx.t(STATUS_NAMES[need.status]),
        new=ctx.t(STATUS_NAMES[status]),
    )
    reporter = await ctx.session.get(Person, need.reporter_id) if need.reporter_id else None
    if reporter is None:
        return change + "\n" + ctx.t(N_("No resident will be told: the report has no reporter."))
    notice = status_notice(reporter, need, status, _comment(ctx))
    told = ctx.t(
        N_("The resident will receive, in {language}:"),
        language=language_name(reporter.language or "ky", ctx.translator),
    )
    return f"{change}\n\n{told}\n{notice}"


async def _short_preview(ctx: Context) -> str:
    """The same on SMS, where every character costs: the notice itself, and the question."""
    need = await _need(ctx)
    reporter = await ctx.session.get(Person, need.reporter_id) if need.reporter_id else None
    if reporter is None:
        return await _preview(ctx)
    notice = status_notice(reporter, need, NeedStatus(ctx.answers["action"]), _comment(ctx))
    return f"{notice}\n{ctx.t(N_('Send this to the resident?'))}"


async def _finish(ctx: Context) -> str | None:
    if "need" not in ctx.answers:
        ctx.say(ctx.t(N_("No reports match this filter.")))
        return None
    if not ctx.answers.get("confirm"):
        ctx.say(ctx.t(N_("Nothing was changed, and the resident was not told.")))
        return None
    status = NeedStatus(ctx.answers["action"])
    comment = _comment(ctx)
    need = await _need(ctx)
    await change_status(ctx.session, ctx.person, need, status, comment)
    ctx.say(
        ctx.t(
            N_("{ref} is now “{status}”. The resident has been told."),
            ref=need.reference,
            status=ctx.t(STATUS_NAMES[status]),
        )
    )
    return None


def build() -> Flow:
    """Only staff and admins; every step re-checks the need's municipality."""
    return Flow(
        "staff_needs",
        [
            ByReference(
                "filter",
                N_(
                    "Which reports do you want to see? You can also type a report number, like N-000123."
                ),
                _filter_options,
                short=N_("Which reports? Or type a number like N-000123."),
            ),
            Choose(
                "category",
                N_("Which category?"),
                category_options,
                when=lambda ctx: ctx.answers["filter"] == "category",
            ),
            ByReference(
                "need", N_("Choose a report, or type its number."), _need_options, when=_has_needs
            ),
            ChooseAction(
                "action",
                _detail,
                _action_options,
                short=_short_detail,
                when=lambda ctx: "need" in ctx.answers,
            ),
            AskComment("reason", _reason_prompt, min_length=3, max_length=500, when=_needs_reason),
            AskComment(
                "comment",
                N_("Write a comment for the resident, or skip this step."),
                max_length=500,
                optional=True,
                when=_asks_comment,
            ),
            Confirm(
                "confirm",
                _preview,
                short=_short_preview,
                when=lambda ctx: "action" in ctx.answers,
            ),
        ],
        _finish,
        allowed=staff_only,
    )
