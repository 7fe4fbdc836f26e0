"""About you: three optional questions — age band, gender, living with a disability — for the
municipality's figures by group (`handlers.account.groups`).

Offered once after a resident's first need, support or survey ("Not now" is one answer), and
from Settings → "About me", where answers already given can be changed or deleted. Each
question can be skipped. With DEMOGRAPHIC_QUESTIONS off only deleting is offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.conversation.context import Context
from bot.conversation.flow import FINISH, Flow
from bot.conversation.messages import SKIP, Choice, Inbound, Reply
from bot.conversation.steps import Choose, Option, translated_options
from bot.i18n import N_
from handlers.account import groups
from handlers.account.groups import (
    AGE_NAMES,
    DISABILITY_NAMES,
    GENDER_NAMES,
    GROUPS_FLOW,
    NOT_ANSWERED,
    Answers,
)
from models import AgeBand, ConsentStatus, Disability, Gender, Person

MAX_PAGE = 12  # more than any of these lists: never paged, so "0" is always the skip
INVITE = N_(
    "One more thing, if you wish: three short questions about you — your age, your gender and "
    "whether you live with a disability. They help the municipality see whether its services "
    "reach everyone. Only figures of groups too large to recognise anyone in are shown, and "
    "you can change or delete your answers in Settings. Answer them?"
)
INVITE_SHORT = N_(
    "3 optional questions (age, gender, disability) help the municipality reach everyone. "
    "You can delete them in Settings. Answer?"
)
AGREE = (("yes", N_("Yes")), ("no", N_("Not now")))
MANAGE = (
    ("change", N_("Change my answers")),
    ("delete", N_("Delete my answers")),
    ("keep", N_("Keep them")),
)


class ChooseOrSkip(Choose):
    """One of a short list, or "0. Skip": the answer is the option's id, or None."""

    async def choices(self, ctx: Context, size: int | None = None) -> list[Choice]:
        shown = await super().choices(ctx, size=MAX_PAGE)
        return [*shown, Choice(id=SKIP, label=ctx.t(N_("Skip")), key="0")]

    async def ask(self, ctx: Context, hint: str | None = None) -> Reply:
        ctx.scratch["page_size"] = MAX_PAGE
        return Reply(text=await self.question(ctx, hint), choices=tuple(await self.choices(ctx)))

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        if ctx.is_skip(message):
            return None
        return await super().accept(ctx, message)


def _options(names: dict[Any, str]) -> Any:
    async def options(ctx: Context) -> Sequence[Option]:
        return translated_options(ctx, [(key.value, label) for key, label in names.items()])

    return options


async def _agreed(ctx: Context) -> bool:
    return groups.has_answers(await groups.answers_of(ctx.session, ctx.person))


async def _offered(ctx: Context) -> bool:
    return groups.questions_on(ctx.settings) and not await _agreed(ctx)


async def _manage_prompt(ctx: Context) -> str:
    row = await groups.answers_of(ctx.session, ctx.person)

    def named(names: dict[Any, str], value: Any) -> str:
        return ctx.t(names[value]) if value is not None else ctx.t(NOT_ANSWERED)

    lines = [
        ctx.t(N_("Your answers about yourself:")),
        ctx.t(N_("Age: {answer}"), answer=named(AGE_NAMES, row.age_band if row else None)),
        ctx.t(N_("Gender: {answer}"), answer=named(GENDER_NAMES, row.gender if row else None)),
        ctx.t(
            N_("Disability: {answer}"),
            answer=named(DISABILITY_NAMES, row.disability if row else None),
        ),
        "",
        ctx.t(N_("What would you like to do?")),
    ]
    return "\n".join(lines)


async def _manage_options(ctx: Context) -> Sequence[Option]:
    shown = MANAGE if groups.questions_on(ctx.settings) else MANAGE[1:]
    return translated_options(ctx, shown)


def _after_manage(ctx: Context) -> str | None:
    return "age" if ctx.answers["manage"] == "change" else FINISH


def _after_agree(ctx: Context) -> str | None:
    return "age" if ctx.answers["agree"] == "yes" else FINISH


def _value(kind: Any, answer: str | None) -> Any:
    return kind(answer) if answer else None


async def _finish(ctx: Context) -> str | None:
    manage, agree = ctx.answers.get("manage"), ctx.answers.get("agree")
    if manage == "delete":
        await groups.clear_answers(ctx.session, ctx.person)
        ctx.say(ctx.t(N_("Your answers about yourself are deleted.")))
        return None
    if manage == "keep" or (manage is None and agree is None):
        return None
    if agree == "no":
        await groups.record_declined(ctx.session, ctx.person)
        ctx.say(ctx.t(N_("All right. If you change your mind, the questions are in Settings.")))
        return None
    answers = Answers(
        _value(AgeBand, ctx.answers.get("age")),
        _value(Gender, ctx.answers.get("gender")),
        _value(Disability, ctx.answers.get("disability")),
    )
    await groups.store_answers(ctx.session, ctx.person, answers)
    ctx.say(ctx.t(N_("Thank you! You can change or delete these answers at any time in Settings.")))
    return None


def _consented(person: Person) -> bool:
    return person.consent == ConsentStatus.given


def build() -> Flow:
    """Agree (or change, or delete) → age band → gender → disability, each skippable."""
    return Flow(
        GROUPS_FLOW,
        [
            Choose("manage", _manage_prompt, _manage_options, when=_agreed, next=_after_manage),
            Choose(
                "agree",
                INVITE,
                _agree_options,
                when=_offered,
                short=INVITE_SHORT,
                next=_after_agree,
            ),
            ChooseOrSkip("age", N_("How old are you?"), _options(AGE_NAMES)),
            ChooseOrSkip("gender", N_("What is your gender?"), _options(GENDER_NAMES)),
            ChooseOrSkip(
                "disability",
                N_("Do you, or someone you care for, live with a disability?"),
                _options(DISABILITY_NAMES),
            ),
        ],
        _finish,
        allowed=_consented,
    )


async def _agree_options(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, AGREE)
