"""Staff define a survey in the bot: a title, questions one by one (kind, text, options), then the
same texts in other languages if they like, when the invitations go and when the one reminder
goes. These steps are part of the “Services and surveys (staff)” flow (handlers.service_staff),
after a service is chosen; `create_from_answers` saves what they describe.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.conversation.context import Context
from bot.conversation.messages import Inbound
from bot.conversation.steps import (
    Ask,
    AskTime,
    Choose,
    Confirm,
    Invalid,
    Option,
    Step,
    translated_options,
)
from bot.i18n import LANGUAGE_NAMES, N_, text_for
from bot.settings import LANGUAGES
from bot.times import local_time
from handlers.surveys.surveys import (
    MAX_CHOICES,
    MAX_QUESTIONS,
    MAX_TEXT,
    MAX_TITLE,
    QuestionDraft,
    SurveyDraft,
    create_survey,
)
from models import QuestionKind, Survey
from models.base import utcnow

KINDS = (
    (QuestionKind.rating, N_("Rating from 1 to 5")),
    (QuestionKind.yes_no, N_("Yes or no")),
    (QuestionKind.choice, N_("One choice from a list")),
    (QuestionKind.text, N_("Free text")),
)
ADD, DONE, LATER, NOW, NEVER = "add", "done", "later", "now", "never"
REMINDERS = (
    ("1", N_("After 1 day")),
    ("3", N_("After 3 days")),
    ("7", N_("After 7 days")),
    (LATER, N_("At a set time")),
    (NEVER, N_("No reminder")),
)


def split_options(text: str) -> list[str]:
    """Options written one per line, or separated by semicolons (easier by SMS)."""
    parts = text.replace(";", "\n").splitlines()
    return [" ".join(part.split()) for part in parts if part.strip()]


def _questions(ctx: Context) -> list[dict[str, Any]]:
    return list(ctx.answers.get("s_questions") or [])


def _draft(ctx: Context) -> dict[str, Any]:
    """The question being written; after `back` past “Add another?”, the last one saved."""
    if ctx.answers.get("s_q") is None:
        saved = _questions(ctx)
        ctx.answers["s_q"] = saved.pop() if saved else {"kind": "text", "texts": {}}
        ctx.answers["s_questions"] = saved
    return ctx.answers["s_q"]


class AskTitle(Ask):
    """The survey's title in the staff member's language."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        ctx.answers["s_titles"] = {**(ctx.answers.get("s_titles") or {}), ctx.language: text}
        return text


class ChooseKind(Choose):
    """Starts a question (or changes the kind of the one being written)."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        kind = await super().accept(ctx, message)
        ctx.answers["s_q"] = {"kind": kind, "texts": {}, "choices": None}
        return kind


class AskQuestionText(Ask):
    """The question in the staff member's language."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        _draft(ctx)["texts"] = {ctx.language: text}
        return text


class AskChoices(Ask):
    """The options of a choice question: 2 to 9, one per line or separated by “;”."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        await super().accept(ctx, message)  # the length checks; the lines are read as sent
        options = split_options(message.text)
        if not 2 <= len(options) <= MAX_CHOICES:
            raise Invalid(ctx.t(N_("Write 2 to {n} options."), n=MAX_CHOICES))
        _draft(ctx)["choices"] = {ctx.language: options}
        return options


class ChooseAnother(Choose):
    """Saves the question just written, then: another one, or on to languages and time."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        draft = ctx.answers.get("s_q")
        if draft is not None:
            ctx.answers["s_questions"] = [*_questions(ctx), draft]
            ctx.answers["s_q"] = None  # saved: going back and on does not save it twice
        if value == ADD and len(_questions(ctx)) >= MAX_QUESTIONS:
            raise Invalid(ctx.t(N_("A survey has at most {n} questions."), n=MAX_QUESTIONS))
        return value


async def _another_prompt(ctx: Context) -> str:
    count = len(_questions(ctx)) + (1 if ctx.answers.get("s_q") else 0)
    return ctx.tn(
        "The survey has {n} question. Add another one?",
        "The survey has {n} questions. Add another one?",
        count,
    )


def _items(ctx: Context) -> list[tuple[str, int]]:
    """What there is to translate: the title, then each question's text and options."""
    items = [("title", -1)]
    for index, question in enumerate(_questions(ctx)):
        items.append(("text", index))
        if question["kind"] == QuestionKind.choice:
            items.append(("choices", index))
    return items


async def _languages(ctx: Context) -> Sequence[Option]:
    written = set(ctx.answers.get("s_titles") or {})
    options = [Option(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES if lang not in written]
    done = N_("That's all, continue")
    return [*options, Option(DONE, ctx.t(done), aliases=ctx.all_translations(done))]


async def _translate_prompt(ctx: Context) -> str:
    kind, index = _items(ctx)[ctx.answers.get("s_item", 0)]
    language = LANGUAGE_NAMES[ctx.answers["s_more"]]
    if kind == "title":
        original = ctx.answers["s_titles"][ctx.language]
        return ctx.t(N_("In {language}, the title: “{text}”"), language=language, text=original)
    question = _questions(ctx)[index]
    if kind == "text":
        original = question["texts"][ctx.language]
        return ctx.t(
            N_("In {language}, question {n}: “{text}”"),
            language=language,
            n=index + 1,
            text=original,
        )
    original = "; ".join(question["choices"][ctx.language])
    return ctx.t(
        N_("In {language}, the options of question {n}, separated by “;”: {text}"),
        language=language,
        n=index + 1,
        text=original,
    )


class Translate(Ask):
    """One text of the survey in the language chosen; then the next, until all are written."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        items, position = _items(ctx), ctx.answers.get("s_item", 0)
        kind, index = items[position]
        language = ctx.answers["s_more"]
        if kind == "title":
            ctx.answers["s_titles"] = {**ctx.answers["s_titles"], language: text[:MAX_TITLE]}
        else:
            questions = _questions(ctx)
            question = dict(questions[index])
            if kind == "text":
                question["texts"] = {**question["texts"], language: text[:MAX_TEXT]}
            else:
                options = split_options(message.text)
                wanted = len(question["choices"][ctx.language])
                if len(options) != wanted:
                    raise Invalid(ctx.t(N_("Write all {n} options, separated by “;”."), n=wanted))
                question["choices"] = {**question["choices"], language: options}
            questions[index] = question
            ctx.answers["s_questions"] = questions
        ctx.answers["s_item"] = position + 1 if position + 1 < len(items) else 0
        return text


def _send_at(ctx: Context) -> datetime:
    at = ctx.answers.get("s_at") if ctx.answers.get("s_when") == LATER else None
    return datetime.fromisoformat(at) if at else utcnow()


def _remind_at(ctx: Context) -> datetime | None:
    choice = ctx.answers.get("s_remind")
    if choice == NEVER or choice is None:
        return None
    if choice == LATER:
        return datetime.fromisoformat(ctx.answers["s_remind_at"])
    return _send_at(ctx) + timedelta(days=int(choice))


class AskReminderTime(AskTime):
    """A time after the invitations."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if datetime.fromisoformat(value) <= _send_at(ctx):
            raise Invalid(ctx.t(N_("The reminder must come after the invitations.")))
        return value


def draft_of(ctx: Context) -> SurveyDraft:
    """The survey as described so far."""
    return SurveyDraft(
        dict(ctx.answers.get("s_titles") or {}),
        [
            QuestionDraft(QuestionKind(q["kind"]), q["texts"], q.get("choices"))
            for q in _questions(ctx)
        ],
    )


async def create_from_answers(ctx: Context, service_id: int) -> Survey:
    """Save the survey the staff member described, scheduled as they chose."""
    return await create_survey(
        ctx.session, ctx.person, service_id, draft_of(ctx), _send_at(ctx), _remind_at(ctx)
    )


def _summary(ctx: Context) -> str:
    draft = draft_of(ctx)
    kinds = dict(KINDS)
    lines = [f"“{text_for(draft.titles, ctx.language)}” ({', '.join(sorted(draft.titles))})"]
    for number, question in enumerate(draft.questions, 1):
        lines.append(
            f"{number}. {text_for(question.texts, ctx.language)} — {ctx.t(kinds[question.kind])}"
        )
    remind = _remind_at(ctx)
    zone = ctx.settings.timezone
    lines.append(ctx.t(N_("Invitations: {time}"), time=local_time(_send_at(ctx), zone)))
    lines.append(
        ctx.t(N_("Reminder: {time}"), time=local_time(remind, zone))
        if remind
        else ctx.t(N_("No reminder"))
    )
    lines.append(ctx.t(N_("Save the survey?")))
    return "\n".join(lines)


async def _kind_options(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, KINDS)


async def _another_options(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, ((ADD, N_("Add a question")), (DONE, N_("That's all"))))


async def _when_options(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, ((NOW, N_("Now")), (LATER, N_("At a set time"))))


async def _remind_options(ctx: Context) -> Sequence[Option]:
    return translated_options(ctx, REMINDERS)


def survey_steps(first: str) -> list[Step]:
    """The builder's steps; `first` is the name of the first (the title)."""
    return [
        AskTitle(
            first,
            N_("Give the survey a short title: people see it in the invitation."),
            max_length=MAX_TITLE,
        ),
        ChooseKind("s_kind", N_("What kind of question?"), _kind_options),
        AskQuestionText("s_text", N_("Write the question."), max_length=MAX_TEXT),
        AskChoices(
            "s_choices",
            N_("Write the options, one per line or separated by “;”."),
            when=lambda ctx: (ctx.answers.get("s_q") or {}).get("kind") == QuestionKind.choice,
            max_length=1000,
        ),
        ChooseAnother(
            "s_another",
            _another_prompt,
            _another_options,
            next=lambda ctx: "s_kind" if ctx.answers["s_another"] == ADD else "s_more",
        ),
        Choose(
            "s_more",
            N_(
                "Add the survey in another language? People without their language get the closest one."
            ),
            _languages,
            next=lambda ctx: "s_when" if ctx.answers["s_more"] == DONE else "s_translate",
        ),
        Translate(
            "s_translate",
            _translate_prompt,
            max_length=1000,
            next=lambda ctx: "s_translate" if ctx.answers.get("s_item") else "s_more",
        ),
        Choose(
            "s_when",
            N_("When should the invitations go?"),
            _when_options,
            next=lambda ctx: "s_at" if ctx.answers["s_when"] == LATER else "s_remind",
        ),
        AskTime("s_at", N_("At what time? Write it like 2026-12-01 10:00 (Bishkek time).")),
        Choose(
            "s_remind",
            N_("When should those who have not finished get one reminder?"),
            _remind_options,
            next=lambda ctx: "s_remind_at" if ctx.answers["s_remind"] == LATER else "s_confirm",
        ),
        AskReminderTime(
            "s_remind_at", N_("At what time? Write it like 2026-12-01 10:00 (Bishkek time).")
        ),
        Confirm("s_confirm", _summary),
    ]
