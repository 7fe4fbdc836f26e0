"""Answering a feedback survey: one question at a time, each stored as it is answered.

A rating, yes/no or choice question is a list (buttons on Telegram, numbers by SMS: "4", "1" or
"yes"); a free-text question takes words or a skip. A person may leave with MENU at any point and
come back with "Answer the survey" (or by replying to the reminder): they resume at the first
question they have not answered. The invitation itself puts people into this flow
(handlers.survey_invite).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.folding import normalize_spaces
from bot.conversation.keywords import shown_keyword
from bot.conversation.messages import SKIP, Choice, Inbound, Reply
from bot.conversation.repeat import Repeat
from bot.conversation.steps import YES_NO, Choose, Invalid, Option, translated_options
from bot.i18n import N_, text_for
from bot.settings import LANGUAGES
from handlers.account.groups import offer_after
from handlers.surveys.surveys import (
    RATINGS,
    choices_of,
    complete,
    open_invitation,
    questions_of,
    record_answer,
    title_of,
    unanswered,
)
from models import QuestionKind, Survey, SurveyQuestion

SURVEY_FLOW = "survey"
ANSWER_STEP = "answer"
MENU_ITEM = N_("Answer the survey")
MAX_ANSWER = 1000
MAX_PAGE = 12  # more options than any question has: lists are never paged
RATING_LABELS = (N_("Very poor"), N_("Poor"), N_("Fair"), N_("Good"), N_("Excellent"))
# how the flow ended, in ctx.answers["end"]
DONE, ALREADY, CLOSED, NONE = "done", "already", "closed", "none"
ENDINGS = {
    DONE: N_("Thank you! Your answers are saved."),
    ALREADY: N_("You have already answered this survey. Thank you!"),
    CLOSED: N_("This survey is closed. Thank you!"),
    NONE: N_("There is no survey waiting for you right now."),
}


async def has_survey(ctx: Context) -> bool:
    """Whether the person has a survey to answer; picks their oldest when none is chosen."""
    chosen = ctx.answers.get("survey")
    invitation = await open_invitation(ctx.session, ctx.person.id, chosen) if chosen else None
    if invitation is None and "end" not in ctx.answers:
        invitation = await open_invitation(ctx.session, ctx.person.id)
    if invitation is None:
        ctx.answers.setdefault("end", NONE)
        return False
    ctx.answers["survey"] = invitation.survey_id
    return True


class AnswerStep(Choose):
    """The first question the person has not answered, of the survey in ctx.answers["survey"].

    Lists are never paged, so the number typed is the number shown on every channel. The
    question being answered is kept in scratch, so an answer always goes to the question shown.
    """

    def __init__(self) -> None:
        super().__init__(ANSWER_STEP, self._prompt, self._options, when=has_survey)

    async def current(self, ctx: Context) -> SurveyQuestion | None:
        """The question on screen, else the first one unanswered (None when all are)."""
        shown = ctx.scratch.get("question")
        if shown is not None:
            question = await ctx.session.get(SurveyQuestion, shown)
            if question is not None and question.survey_id == ctx.answers.get("survey"):
                return question
        left = await unanswered(ctx.session, ctx.answers["survey"], ctx.person.id)
        if not left:
            return None
        ctx.scratch["question"] = left[0].id
        return left[0]

    async def _prompt(self, ctx: Context) -> str:
        survey = await ctx.session.get(Survey, ctx.answers["survey"])
        question = await self.current(ctx)
        if survey is None or question is None:
            return ""
        total = len(await questions_of(ctx.session, survey.id))
        text = f"{question.position}/{total}. {text_for(question.texts, ctx.language)}"
        if question.position == 1:
            return f"{_intro(ctx, survey, total)}\n\n{text}"
        return text

    async def _options(self, ctx: Context) -> Sequence[Option]:
        question = await self.current(ctx)
        if question is None or question.kind == QuestionKind.text:
            return []
        if question.kind == QuestionKind.rating:
            return translated_options(ctx, list(zip(RATINGS, RATING_LABELS, strict=True)))
        if question.kind == QuestionKind.yes_no:
            return translated_options(ctx, YES_NO)
        others = [choices_of(question, lang) for lang in LANGUAGES]
        return [
            Option(str(i), label, aliases=[o[i] for o in others if i < len(o)])
            for i, label in enumerate(choices_of(question, ctx.language))
        ]

    async def choices(self, ctx: Context, size: int | None = None) -> list[Choice]:
        question = await self.current(ctx)
        if question is not None and question.kind == QuestionKind.text:
            return [Choice(id=SKIP, label=ctx.t(N_("Skip")), key="0")]
        return await super().choices(ctx, size=MAX_PAGE)

    async def ask(self, ctx: Context, hint: str | None = None) -> Reply:
        text = await self.question(ctx, hint)
        ctx.scratch["page_size"] = MAX_PAGE
        return Reply(text=text, choices=tuple(await self.choices(ctx)))

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        invitation = await open_invitation(ctx.session, ctx.person.id, ctx.answers.get("survey"))
        question = await self.current(ctx) if invitation is not None else None
        if invitation is None or question is None:
            ctx.answers["end"] = ALREADY if invitation is not None else CLOSED
            return None
        if question.kind == QuestionKind.text:
            value = _free_text(ctx, message)
        else:
            value = str(await super().accept(ctx, message))
        await record_answer(ctx.session, question, ctx.person.id, value)
        if not await unanswered(ctx.session, question.survey_id, ctx.person.id):
            await complete(ctx.session, invitation)
            ctx.answers["end"] = DONE
        return value


def _free_text(ctx: Context, message: Inbound) -> str:
    if ctx.is_skip(message):
        return ""
    text = normalize_spaces(message.text)
    if not text:
        raise Invalid(ctx.t(N_("Please answer in words.")))
    if len(text) > MAX_ANSWER:
        raise Invalid(
            ctx.t(
                N_("That is too long: {length} characters, at most {n} fit."),
                length=len(text),
                n=MAX_ANSWER,
            )
        )
    return text


def _intro(ctx: Context, survey: Survey, total: int) -> str:
    title = title_of(survey, ctx.language)
    if ctx.caps.compact:
        return ctx.tn(
            "Survey “{title}”: {n} question. Answers are anonymous.",
            "Survey “{title}”: {n} questions. Answers are anonymous.",
            total,
            title=title,
        )
    return ctx.tn(
        "A survey about “{title}”: {n} short question about the service you received. "
        "Your answers are anonymous. You can stop with {menu} and continue later.",
        "A survey about “{title}”: {n} short questions about the service you received. "
        "Your answers are anonymous. You can stop with {menu} and continue later.",
        total,
        title=title,
        menu=shown_keyword(ctx.language, "menu"),
    )


def _ended(ctx: Context) -> bool:
    return "end" in ctx.answers


async def _finish(ctx: Context) -> str | None:
    end = ctx.answers.get("end", NONE)
    ctx.say(ctx.t(ENDINGS[end]))
    if end != NONE and await open_invitation(ctx.session, ctx.person.id):
        return SURVEY_FLOW  # another survey is waiting: straight on to it
    if end == DONE:
        return await offer_after(ctx.session, ctx.settings, ctx.person)
    return None


def build() -> Flow:
    """A beneficiary answers the survey they were invited to, question by question."""
    return Flow(
        SURVEY_FLOW,
        # one question a pass, until the survey ends (each answer is stored as it comes)
        [Repeat("questions", [AnswerStep()], until=_ended, keep=False)],
        _finish,
        cancelled=N_("Stopped. Your answers so far are kept: choose “Answer the survey” to go on."),
    )
