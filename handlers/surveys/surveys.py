"""Feedback surveys of a delivered service: defining and scheduling them, who is due an invitation
or a reminder, storing answers, and the anonymous results reports are drawn from.

Invitations and reminders go from the runtime's tick (`handlers.survey_invite`): the survey row is
locked with SKIP LOCKED and marked in the same transaction as the messages it queues, so each goes
once with any number of processes, restarts included.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot import audit
from bot.i18n import FALLBACK, text_for
from bot.settings import LANGUAGES
from handlers.surveys.services import service_for_staff
from models import (
    Beneficiary,
    Person,
    QuestionKind,
    Service,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyStatus,
)
from models.base import utcnow
from models.db import insert_ignore

MAX_QUESTIONS = 10
MAX_CHOICES = 9  # one digit to type on a phone keypad
MAX_TITLE = 100
MAX_TEXT = 300
RATINGS = ("1", "2", "3", "4", "5")
YES_NO = ("yes", "no")


class SurveyError(ValueError):
    """A survey that cannot be made as given; the message says why (for logs and the command
    line), `reason` which rule refused it and `language` in which text (for the pages' fields)."""

    def __init__(self, message: str, reason: str = "", language: str | None = None) -> None:
        super().__init__(message)
        self.reason = reason  # no_text, too_long, unknown_language, question_count, choice_count
        self.language = language


@dataclass
class QuestionDraft:
    """A question before it is saved: its kind, its text per language and, for a choice, its
    options per language (the same number in each)."""

    kind: QuestionKind
    texts: dict[str, str]
    choices: dict[str, list[str]] | None = None


@dataclass
class SurveyDraft:
    """A survey before it is saved: its title per language and its questions in order."""

    titles: dict[str, str]
    questions: list[QuestionDraft] = field(default_factory=list)


def check_texts(texts: dict[str, str], limit: int, what: str) -> dict[str, str]:
    """The texts trimmed, the empty ones left out; SurveyError when none is left, a language is
    not ours or a text is longer than `limit`."""
    cleaned = {lang: " ".join(str(text).split()) for lang, text in texts.items() if text}
    cleaned = {lang: text for lang, text in cleaned.items() if text}
    if not cleaned:
        raise SurveyError(
            f"{what}: give a text in at least one of {', '.join(LANGUAGES)}", "no_text"
        )
    for lang, text in cleaned.items():
        if lang not in LANGUAGES:
            raise SurveyError(f"{what}: unknown language {lang!r}", "unknown_language", lang)
        if len(text) > limit:
            raise SurveyError(f"{what} ({lang}): at most {limit} characters", "too_long", lang)
    return cleaned


def check_question(question: QuestionDraft, what: str) -> QuestionDraft:
    """The question with its texts and options trimmed; SurveyError when they do not fit."""
    kind = QuestionKind(question.kind)
    texts = check_texts(question.texts, MAX_TEXT, what)
    choices = None
    if kind == QuestionKind.choice:
        choices = {
            lang: [" ".join(str(o).split()) for o in options if str(o).strip()]
            for lang, options in (question.choices or {}).items()
            if options
        }
        counts = {len(options) for options in choices.values()}
        if not choices or len(counts) != 1 or not 2 <= counts.pop() <= MAX_CHOICES:
            raise SurveyError(
                f"{what}: 2 to {MAX_CHOICES} options, the same number in every language",
                "choice_count",
            )
        if any(lang not in LANGUAGES for lang in choices):
            raise SurveyError(f"{what}: unknown language in the options", "unknown_language")
    return QuestionDraft(kind, texts, choices)


def check_draft(draft: SurveyDraft) -> SurveyDraft:
    """The draft with its texts trimmed; SurveyError when something does not fit."""
    titles = check_texts(draft.titles, MAX_TITLE, "title")
    if not 1 <= len(draft.questions) <= MAX_QUESTIONS:
        raise SurveyError(f"a survey has 1 to {MAX_QUESTIONS} questions", "question_count")
    questions = [
        check_question(question, f"question {number}")
        for number, question in enumerate(draft.questions, 1)
    ]
    return SurveyDraft(titles, questions)


async def create_survey(
    session: AsyncSession,
    author: Person | None,
    service_id: int,
    draft: SurveyDraft,
    send_at: datetime | None = None,
    remind_at: datetime | None = None,
) -> Survey:
    """A survey of the service, scheduled for `send_at` (now when None) with one reminder at
    `remind_at` (none when None). Staff reach only their municipality's services (refused and
    audited otherwise); `author` None is an operator at the command line."""
    service = await service_for_staff(session, author, service_id)
    draft = check_draft(draft)
    send_at = send_at or utcnow()
    if remind_at is not None and remind_at <= send_at:
        raise SurveyError("the reminder must come after the invitations", "reminder_order")
    survey = Survey(
        service_id=service.id,
        titles=draft.titles,
        status=SurveyStatus.scheduled,
        send_at=send_at,
        remind_at=remind_at,
        created_by_id=author.id if author else None,
    )
    session.add(survey)
    await session.flush()
    for position, question in enumerate(draft.questions, 1):
        session.add(
            SurveyQuestion(
                survey_id=survey.id,
                position=position,
                kind=question.kind,
                texts=question.texts,
                choices=question.choices,
            )
        )
    await session.flush()
    await audit.record(
        session, author.id if author else None, "create_survey", "ok", f"survey={survey.id}"
    )
    return survey


async def surveys_of(session: AsyncSession, service_id: int) -> list[Survey]:
    """The service's surveys, newest first."""
    result = await session.scalars(
        select(Survey).where(Survey.service_id == service_id).order_by(Survey.id.desc())
    )
    return list(result.all())


# -- wording ----------------------------------------------------------------------------------


def title_of(survey: Survey, language: str) -> str:
    """The survey's title in `language`, or the closest language written."""
    return text_for(survey.titles, language)


def choices_of(question: SurveyQuestion, language: str) -> list[str]:
    """A choice question's options in `language`, or the closest language written."""
    written = question.choices or {}
    for candidate in FALLBACK.get(language, FALLBACK["ky"]):
        if written.get(candidate):
            return list(written[candidate])
    return list(next(iter(written.values()), []))


# -- who is due what --------------------------------------------------------------------------


async def lock_due(
    session: AsyncSession, status: SurveyStatus, column: str, now: datetime
) -> list[Survey]:
    """Surveys in `status` whose `column` (send_at, remind_at) has come by `now`, locked so no
    other process takes them (FOR NO KEY UPDATE: answers stored meanwhile are not held up).
    A reminder waits at least one tick after the invitations."""
    moment = getattr(Survey, column)
    query = select(Survey).where(Survey.status == status, moment.is_not(None), moment <= now)
    if status == SurveyStatus.sent:
        query = query.where(Survey.reminded_at.is_(None), Survey.invited_at < now)
    result = await session.scalars(
        query.order_by(moment).with_for_update(skip_locked=True, key_share=True)
    )
    return list(result.all())


async def uninvited(session: AsyncSession, survey: Survey) -> list[int]:
    """Beneficiaries of the survey's service not yet invited to it, by person id."""
    invited = exists().where(
        SurveyInvitation.survey_id == survey.id,
        SurveyInvitation.person_id == Beneficiary.person_id,
    )
    result = await session.scalars(
        select(Beneficiary.person_id)
        .where(Beneficiary.service_id == survey.service_id, ~invited)
        .order_by(Beneficiary.person_id)
    )
    return list(result.all())


async def latecomers(session: AsyncSession, since: datetime) -> dict[int, list[int]]:
    """Beneficiaries enrolled after their service's survey went out (`since` or later), by
    survey id."""
    invited = exists().where(
        SurveyInvitation.survey_id == Survey.id,
        SurveyInvitation.person_id == Beneficiary.person_id,
    )
    rows = await session.execute(
        select(Survey.id, Beneficiary.person_id)
        .join(Beneficiary, Beneficiary.service_id == Survey.service_id)
        .where(Survey.status == SurveyStatus.sent, Survey.invited_at >= since, ~invited)
        .order_by(Beneficiary.person_id)
    )
    found: dict[int, list[int]] = defaultdict(list)
    for survey_id, person_id in rows.all():
        found[survey_id].append(person_id)
    return dict(found)


async def not_finished(session: AsyncSession, survey: Survey) -> list[int]:
    """People invited to the survey who have not completed it nor been reminded, by id."""
    result = await session.scalars(
        select(SurveyInvitation.person_id)
        .where(
            SurveyInvitation.survey_id == survey.id,
            SurveyInvitation.completed_at.is_(None),
            SurveyInvitation.reminded_at.is_(None),
        )
        .order_by(SurveyInvitation.person_id)
    )
    return list(result.all())


async def record_invitation(session: AsyncSession, survey_id: int, person_id: int) -> bool:
    """Record the person's invitation; False if they had one already (another process)."""
    return await insert_ignore(session, SurveyInvitation, survey_id=survey_id, person_id=person_id)


async def invite_to_open_surveys(session: AsyncSession, service: Service, person: Person) -> bool:
    """Invite a new beneficiary to the service's surveys already out; True if there is one."""
    result = await session.scalars(
        select(Survey.id).where(Survey.service_id == service.id, Survey.status == SurveyStatus.sent)
    )
    invited = [await record_invitation(session, survey_id, person.id) for survey_id in result.all()]
    return any(invited)


# -- answering --------------------------------------------------------------------------------


async def open_invitation(
    session: AsyncSession, person_id: int, survey_id: int | None = None
) -> SurveyInvitation | None:
    """The person's oldest invitation to a survey still out that they have not completed (to
    `survey_id`, when given)."""
    query = (
        select(SurveyInvitation)
        .join(Survey, Survey.id == SurveyInvitation.survey_id)
        .where(
            SurveyInvitation.person_id == person_id,
            SurveyInvitation.completed_at.is_(None),
            Survey.status == SurveyStatus.sent,
        )
        .order_by(SurveyInvitation.invited_at, SurveyInvitation.id)
        .limit(1)
    )
    if survey_id is not None:
        query = query.where(SurveyInvitation.survey_id == survey_id)
    return await session.scalar(query)


async def questions_of(session: AsyncSession, survey_id: int) -> list[SurveyQuestion]:
    """The survey's questions in order."""
    result = await session.scalars(
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id)
        .order_by(SurveyQuestion.position)
    )
    return list(result.all())


async def unanswered(session: AsyncSession, survey_id: int, person_id: int) -> list[SurveyQuestion]:
    """The questions the person has not answered yet, in order."""
    answered = exists().where(
        and_(SurveyAnswer.question_id == SurveyQuestion.id, SurveyAnswer.person_id == person_id)
    )
    result = await session.scalars(
        select(SurveyQuestion)
        .where(SurveyQuestion.survey_id == survey_id, ~answered)
        .order_by(SurveyQuestion.position)
    )
    return list(result.all())


async def record_answer(
    session: AsyncSession, question: SurveyQuestion, person_id: int, value: str
) -> bool:
    """Store one answer; False if the person had answered this question already."""
    return await insert_ignore(
        session,
        SurveyAnswer,
        survey_id=question.survey_id,
        question_id=question.id,
        person_id=person_id,
        value=value,
        answered_at=utcnow(),
    )


async def complete(session: AsyncSession, invitation: SurveyInvitation) -> None:
    """Record that the person answered every question."""
    invitation.completed_at = utcnow()
    await session.flush()
