"""What a survey's answers add up to, without naming anyone: one count of the answers (`tally`)
that both the chat's and the command line's figures (`results`) and the staff reports read.

No query here selects `person_id`: answers are counted by value, written answers are listed
without who wrote them and not in the order they came (sorted by the readers), so a time cannot
point to a person either.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.surveys.surveys import RATINGS, questions_of
from models import (
    QuestionKind,
    Survey,
    SurveyAnswer,
    SurveyInvitation,
    SurveyQuestion,
    SurveyStatus,
)

MAX_WRITTEN = 500  # written answers listed per survey; their count is always the full one


@dataclass
class Tally:
    """The answers to some surveys, counted. `invited`: survey → (invited, finished);
    `counts`: question → stored value → answers (a written question's answers all count
    under ""); `written`: question → its non-empty written answers (at most MAX_WRITTEN a
    survey), in no meaningful order."""

    invited: dict[int, tuple[int, int]] = field(default_factory=dict)
    counts: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    written: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    def answered(self, question_id: int) -> int:
        """How many answered the question (a skipped written one included)."""
        return sum(self.counts.get(question_id, {}).values())


async def tally(session: AsyncSession, survey_ids: Sequence[int]) -> Tally:
    """Count the answers to `survey_ids`, in a few GROUP BY queries."""
    found = Tally()
    if not survey_ids:
        return found
    invitations = await session.execute(
        select(
            SurveyInvitation.survey_id,
            func.count(SurveyInvitation.id),
            func.count(SurveyInvitation.completed_at),
        )
        .where(SurveyInvitation.survey_id.in_(survey_ids))
        .group_by(SurveyInvitation.survey_id)
    )
    found.invited = {sid: (int(a), int(b)) for sid, a, b in invitations.all()}
    counted = await session.execute(
        select(SurveyAnswer.question_id, SurveyQuestion.kind, SurveyAnswer.value, func.count())
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .where(SurveyAnswer.survey_id.in_(survey_ids))
        .group_by(SurveyAnswer.question_id, SurveyQuestion.kind, SurveyAnswer.value)
    )
    for question_id, kind, value, n in counted.all():
        key = "" if kind == QuestionKind.text else str(value).strip().lower()
        found.counts[question_id][key] = found.counts[question_id].get(key, 0) + int(n)
    for survey_id in survey_ids:
        rows = await session.execute(
            select(SurveyAnswer.question_id, SurveyAnswer.value)
            .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
            .where(SurveyAnswer.survey_id == survey_id, SurveyQuestion.kind == QuestionKind.text)
            .where(func.length(func.trim(SurveyAnswer.value)) > 0)
            .order_by(SurveyAnswer.id)
            .limit(MAX_WRITTEN)
        )
        for question_id, value in rows.all():
            found.written[question_id].append(value.strip())
    return found


@dataclass
class QuestionResult:
    """Aggregated answers to one question. `counts`: rating "1".."5", yes_no "yes"/"no", choice
    the option's index ("0" first); `comments`: free-text answers in alphabetical order, so
    nothing says who wrote what or when."""

    position: int
    kind: QuestionKind
    texts: dict[str, str]
    choices: dict[str, list[str]] | None
    answered: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    average: float | None = None
    comments: list[str] = field(default_factory=list)


@dataclass
class SurveyResults:
    """A survey's figures for reports: no person is identified anywhere in them."""

    survey_id: int
    service_id: int
    titles: dict[str, str]
    status: SurveyStatus
    invited: int
    completed: int
    questions: list[QuestionResult]


async def results(session: AsyncSession, survey_id: int) -> SurveyResults:
    """Per-question figures of a survey, anonymous (LookupError if there is no such survey)."""
    survey = await session.get(Survey, survey_id)
    if survey is None:
        raise LookupError(f"no survey {survey_id}")
    counted = await tally(session, [survey_id])
    invited, completed = counted.invited.get(survey_id, (0, 0))
    figures = []
    for question in await questions_of(session, survey_id):
        tally_of = counted.counts.get(question.id, {})
        result = QuestionResult(
            question.position,
            question.kind,
            question.texts,
            question.choices,
            answered=counted.answered(question.id),
            counts=dict(tally_of) if question.kind != QuestionKind.text else {},
            comments=sorted(counted.written.get(question.id, [])),
        )
        if question.kind == QuestionKind.rating and result.answered:
            total = sum(int(k) * v for k, v in tally_of.items() if k in RATINGS)
            result.average = round(total / result.answered, 2)
        figures.append(result)
    return SurveyResults(
        survey.id, survey.service_id, survey.titles, survey.status, invited, completed, figures
    )
