"""The survey builder's form read back: the title and each question in the four languages side
by side, the options of a choice one per line, when the invitations and the reminder go. Every
text is checked by the domain's own checks (`check_texts`, `check_question`), field by field, so
each error stands next to its field and the form keeps what was typed."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.i18n import N_
from bot.settings import LANGUAGES
from bot.times import parse_local
from bot.web.desk import Desk
from handlers.surveys.flows.survey_builder import KINDS, LATER, NEVER, NOW, split_options
from handlers.surveys.surveys import (
    MAX_CHOICES,
    MAX_QUESTIONS,
    MAX_TEXT,
    MAX_TITLE,
    QuestionDraft,
    SurveyDraft,
    SurveyError,
    check_question,
    check_texts,
)
from models import QuestionKind
from models.base import utcnow

REMIND_DAYS = ("1", "3", "7")
BAD_TIME = N_("Write the time like 15.01.2027 10:00 (Bishkek time).")
PAST = N_("This time has passed. Write a time to come, or choose “Now”.")
NO_TITLE = N_("Write the title in at least one language.")
NO_QUESTION = N_("Write the question in at least one language.")
TOO_LONG = N_("At most {n} characters.")
CHOICES = N_("Write 2 to {n} options, one per line, the same number in every language.")
BAD_KIND = N_("Choose a kind of question from the list.")
BAD_CHOICE = N_("Choose one of the options.")


@dataclass
class Built:
    """The form as typed (field → text), its number of question blocks, the errors (field →
    text in the reader's language) and, when there are none, the survey and its times."""

    typed: dict[str, str]
    count: int
    errors: dict[str, str] = field(default_factory=dict)
    draft: SurveyDraft | None = None
    send_at: datetime | None = None
    remind_at: datetime | None = None


def field_names(count: int) -> list[str]:
    """Every field of a form with `count` question blocks."""
    names = [f"title_{lang}" for lang in LANGUAGES]
    for i in range(1, count + 1):
        names.append(f"q{i}_kind")
        names += [f"q{i}_text_{lang}" for lang in LANGUAGES]
        names += [f"q{i}_choices_{lang}" for lang in LANGUAGES]
    return [*names, "when", "send_at", "remind", "remind_at"]


def blank(count: int = 1) -> Built:
    """An empty form: invitations now, no reminder."""
    typed = dict.fromkeys(field_names(count), "")
    typed.update(when=NOW, remind=NEVER)
    for i in range(1, count + 1):
        typed[f"q{i}_kind"] = QuestionKind.rating.value
    return Built(typed, count)


def read_form(desk: Desk) -> Built:
    """The posted form, as typed; the number of blocks bounded by MAX_QUESTIONS."""
    count = desk.field("questions")
    blocks = int(count) if count.isdecimal() and len(count) < 3 else 1
    blocks = min(max(blocks, 1), MAX_QUESTIONS)
    typed = {name: desk.field(name) for name in field_names(blocks)}
    return Built(typed, blocks)


def _refuse(desk: Desk, built: Built, error: SurveyError, name: str, limit: int) -> None:
    """The domain's refusal next to its field: `name` (title, q2_text) for the texts as a
    whole, `name_ru` for one language's, q2_choices for the options."""
    if error.reason == "too_long" and error.language:
        built.errors[f"{name}_{error.language}"] = desk.t(TOO_LONG, n=limit)
    elif error.reason == "choice_count":
        built.errors[name.replace("_text", "_choices")] = desk.t(CHOICES, n=MAX_CHOICES)
    else:
        built.errors[name] = desk.t(NO_TITLE if name == "title" else NO_QUESTION)


def _question(desk: Desk, built: Built, i: int) -> QuestionDraft | None:
    """Question block `i`, or None when it was left empty (or is wrong: its errors added)."""
    typed, errors = built.typed, built.errors
    texts = {lang: typed[f"q{i}_text_{lang}"] for lang in LANGUAGES}
    choices = {lang: split_options(typed[f"q{i}_choices_{lang}"]) for lang in LANGUAGES}
    if not any(texts.values()) and not any(choices.values()):
        return None
    try:
        kind = QuestionKind(typed[f"q{i}_kind"])
    except ValueError:
        errors[f"q{i}_kind"] = desk.t(BAD_KIND)
        return None
    wanted = {lang: options for lang, options in choices.items() if options}
    draft = QuestionDraft(kind, texts, wanted if kind == QuestionKind.choice else None)
    try:
        return check_question(draft, f"question {i}")
    except SurveyError as error:
        _refuse(desk, built, error, f"q{i}_text", MAX_TEXT)
        return None


def _times(desk: Desk, built: Built) -> None:
    """When the invitations go (now, or a time to come) and the one reminder."""
    typed, errors = built.typed, built.errors
    zone = desk.workspace.settings.timezone

    def moment(name: str) -> datetime | None:
        try:
            found = parse_local(typed[name], zone)
        except ValueError:
            errors[name] = desk.t(BAD_TIME)
            return None
        if found <= utcnow():
            errors[name] = desk.t(PAST)
            return None
        return found

    if typed["when"] not in (NOW, LATER):
        errors["when"] = desk.t(BAD_CHOICE)
    built.send_at = moment("send_at") if typed["when"] == LATER else utcnow()
    remind = typed["remind"]
    if remind in REMIND_DAYS and built.send_at is not None:
        built.remind_at = built.send_at + timedelta(days=int(remind))
    elif remind == LATER:
        built.remind_at = moment("remind_at")
    elif remind != NEVER:
        errors["remind"] = desk.t(BAD_CHOICE)


def check_form(desk: Desk, built: Built) -> Built:
    """Every field checked; `draft` and the times set when nothing is wrong."""
    typed, errors = built.typed, built.errors
    titles = {lang: typed[f"title_{lang}"] for lang in LANGUAGES}
    try:
        titles = check_texts(titles, MAX_TITLE, "title")
    except SurveyError as error:
        _refuse(desk, built, error, "title", MAX_TITLE)
    questions = [_question(desk, built, i) for i in range(1, built.count + 1)]
    written = [question for question in questions if question is not None]
    if not written and not any(name.startswith("q") for name in errors):
        errors["q1_text"] = desk.t(NO_QUESTION)
    _times(desk, built)
    if not errors:
        built.draft = SurveyDraft(titles, written)
    return built


def kind_names(desk: Desk) -> list[tuple[str, str]]:
    """The kinds of question, as the bot's builder names them."""
    return [(kind.value, desk.t(label)) for kind, label in KINDS]
