"""Staff define a survey in the bot: a title, questions one by one (kind, text, options), then the
same texts in other languages if they like, when the invitations go and when the one reminder
goes. These steps are part of the “Services and surveys (staff)” flow (staff_services), after a
service is chosen; `create_from_answers` saves what they describe.

Questions and translations are loops (`Repeat`): each question is one pass of kind → text →
options, each language one pass over every text written so far. Every text is kept as
{language: text}, in the language it was written in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from bot.conversation.context import Context
from bot.conversation.messages import Inbound
from bot.conversation.repeat import Repeat
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
from bot.formats import format_time
from bot.i18n import LANGUAGE_NAMES, N_, language_name, text_for
from bot.settings import LANGUAGES
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
QUESTIONS, LANGUAGES_ADDED, TEXTS = "s_questions", "s_languages", "s_texts"
TIME_PROMPT = N_("At what time? Write it like 2026-12-01 10:00 (Bishkek time).")


def split_options(text: str) -> list[str]:
    """Options written one per line, or separated by semicolons (easier by SMS)."""
    parts = text.replace(";", "\n").splitlines()
    return [" ".join(part.split()) for part in parts if part.strip()]


class AskWritten(Ask):
    """A text in the writer's language; the answer is {language: text}."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        return {ctx.language: await super().accept(ctx, message)}


class AskChoices(Ask):
    """The options of a choice question: 2 to 9, one per line or separated by “;”; the answer
    is {language: [options]}."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        await super().accept(ctx, message)  # the length checks; the lines are read as sent
        options = split_options(message.text)
        if not 2 <= len(options) <= MAX_CHOICES:
            raise Invalid(ctx.t(N_("Write 2 to {n} options."), n=MAX_CHOICES))
        return {ctx.language: options}


def _questions(ctx: Context) -> list[dict[str, Any]]:
    """The questions written so far (the one being written is not among them yet)."""
    return list(ctx.answers.get(QUESTIONS) or [])


class ChooseAnother(Choose):
    """After a question: another one (while there is room), or on to languages and time."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        if value == ADD and len(_questions(ctx)) + 1 >= MAX_QUESTIONS:
            raise Invalid(ctx.t(N_("A survey has at most {n} questions."), n=MAX_QUESTIONS))
        return value


async def _another_prompt(ctx: Context) -> str:
    return ctx.tn(
        "The survey has {n} question. Add another one?",
        "The survey has {n} questions. Add another one?",
        len(_questions(ctx)) + 1,
    )


def _original(ctx: Context) -> tuple[str, list[tuple[str, int]]]:
    """The language the survey was written in, and what there is to translate: the title,
    then each question's text and options (by question number)."""
    language = next(iter(ctx.answers["s_title"]))
    items = [("title", -1)]
    for index, question in enumerate(_questions(ctx)):
        items.append(("text", index))
        if question["s_kind"] == QuestionKind.choice:
            items.append(("choices", index))
    return language, items


def _done(ctx: Context) -> list[Any]:
    """The texts of the language being added, so far."""
    return list(ctx.answers.get(TEXTS) or [])


async def _languages(ctx: Context) -> Sequence[Option]:
    written = {_original(ctx)[0]} | {
        p["s_language"] for p in ctx.answers.get(LANGUAGES_ADDED) or []
    }
    options = [Option(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES if lang not in written]
    done = N_("That's all, continue")
    return [*options, *translated_options(ctx, [(DONE, done)])]


async def _translate_prompt(ctx: Context) -> str:
    original, items = _original(ctx)
    kind, index = items[len(_done(ctx))]
    language = language_name(ctx.answers["s_language"], ctx.translator)
    if kind == "title":
        text = ctx.answers["s_title"][original]
        return ctx.t(N_("In {language}, the title: “{text}”"), language=language, text=text)
    question = _questions(ctx)[index]
    if kind == "text":
        return ctx.t(
            N_("In {language}, question {n}: “{text}”"),
            language=language,
            n=index + 1,
            text=question["s_text"][original],
        )
    return ctx.t(
        N_("In {language}, the options of question {n}, separated by “;”: {text}"),
        language=language,
        n=index + 1,
        text="; ".join(question["s_choices"][original]),
    )


class Translate(Ask):
    """The next text of the survey in the language being added: a title or question, or the
    same number of options as the original has."""

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        text = await super().accept(ctx, message)
        original, items = _original(ctx)
        kind, index = items[len(_done(ctx))]
        if kind == "title":
            return text[:MAX_TITLE]
        if kind == "text":
            return text[:MAX_TEXT]
        options = split_options(message.text)
        wanted = len(_questions(ctx)[index]["s_choices"][original])
        if len(options) != wanted:
            raise Invalid(ctx.t(N_("Write all {n} options, separated by “;”."), n=wanted))
        return options


def _more_to_translate(ctx: Context) -> bool:
    return len(_done(ctx)) + 1 < len(_original(ctx)[1])  # this text is not among the done yet


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
    """The survey as described: the original texts, with every translation added."""
    _, items = _original(ctx)
    titles = dict(ctx.answers["s_title"])
    texts = [dict(q["s_text"]) for q in _questions(ctx)]
    choices = [dict(q.get("s_choices") or {}) or None for q in _questions(ctx)]
    for added in ctx.answers.get(LANGUAGES_ADDED) or []:
        language = added["s_language"]
        for (kind, index), translated in zip(items, added[TEXTS], strict=False):
            value = translated["s_translate"]
            if kind == "title":
                titles[language] = value
            elif kind == "text":
                texts[index][language] = value
            elif choices[index] is not None:
                choices[index][language] = value
    questions = [
        QuestionDraft(QuestionKind(q["s_kind"]), texts[i], choices[i])
        for i, q in enumerate(_questions(ctx))
    ]
    return SurveyDraft(titles, questions)


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
    lines.append(
        ctx.t(N_("Invitations: {time}"), time=format_time(_send_at(ctx), zone, ctx.language))
    )
    lines.append(
        ctx.t(N_("Reminder: {time}"), time=format_time(remind, zone, ctx.language))
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


def survey_steps(first: str) -> list[Step | Repeat]:
    """The builder's steps; `first` is the name of the first (the title)."""
    return [
        AskWritten(
            first,
            N_("Give the survey a short title: people see it in the invitation."),
            max_length=MAX_TITLE,
        ),
        Repeat(
            QUESTIONS,
            [
                Choose("s_kind", N_("What kind of question?"), _kind_options),
                AskWritten("s_text", N_("Write the question."), max_length=MAX_TEXT),
                AskChoices(
                    "s_choices",
                    N_("Write the options, one per line or separated by “;”."),
                    when=lambda ctx: ctx.answers.get("s_kind") == QuestionKind.choice,
                    max_length=1000,
                ),
            ],
            more=ChooseAnother("s_another", _another_prompt, _another_options),
            again=lambda ctx: ctx.answers.get("s_another") == ADD,
        ),
        Repeat(
            LANGUAGES_ADDED,
            [
                Choose(
                    "s_language",
                    N_(
                        "Add the survey in another language? People without their language get the closest one."
                    ),
                    _languages,
                ),
                Repeat(
                    TEXTS,
                    [Translate("s_translate", _translate_prompt, max_length=1000)],
                    again=_more_to_translate,
                ),
            ],
            until=lambda ctx: ctx.answers.get("s_language") == DONE,
        ),
        Choose("s_when", N_("When should the invitations go?"), _when_options),
        AskTime("s_at", TIME_PROMPT, when=lambda ctx: ctx.answers.get("s_when") == LATER),
        Choose(
            "s_remind",
            N_("When should those who have not finished get one reminder?"),
            _remind_options,
        ),
        AskReminderTime(
            "s_remind_at", TIME_PROMPT, when=lambda ctx: ctx.answers.get("s_remind") == LATER
        ),
        Confirm("s_confirm", _summary),
    ]
