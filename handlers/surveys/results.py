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

from bot.i18n import N_
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
MIN_GROUP = 5  # REPORT_MIN_GROUP's default
TOO_FEW = N_("too few answers to show without identifying people")


@dataclass
class Tally:
    """The answers to some surveys, counted. `invited`: survey → (invited, finished);
    `counts`: question → stored value → answers (a written question's answers all count
    under ""); `written`: question → its non-empty written answers (at most MAX_WRITTEN a
    survey), in no meaningful order."""

    invited: dict[int, tuple[int, int]] = field(default_factory=dict)
    counts: dict[int, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    written: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))
    answers: dict[int, int] = field(default_factory=dict)
    withheld: set[int] = field(default_factory=set)

    def answered(self, question_id: int) -> int:
        """How many answered the question (a skipped written one included)."""
        return self.answers.get(question_id, 0)

    def is_withheld(self, question_id: int) -> bool:
        """Whether the question's answers are too few to show without pointing to people."""
        return question_id in self.withheld


async def tally(
    session: AsyncSession, survey_ids: Sequence[int], min_group: int = MIN_GROUP
) -> Tally:
    """Count the answers to `survey_ids`, in a few GROUP BY queries. A question answered by
    fewer than `min_group` people (REPORT_MIN_GROUP) is withheld: only how many answered is
    kept, never what they answered, for every reader of the tally alike."""
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
    for question_id, values in list(found.counts.items()):
        found.answers[question_id] = sum(values.values())
        if found.answers[question_id] < min_group:
            found.withheld.add(question_id)
            del found.counts[question_id]
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
            if question_id not in found.withheld:
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
    withheld: bool = False  # answered by too few to show (REPORT_MIN_GROUP): no figures


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


async def results(
    session: AsyncSession, survey_id: int, min_group: int = MIN_GROUP
) -> SurveyResults:
    """Per-question figures of a survey, anonymous (LookupError if there is no such survey);
    a question fewer than `min_group` answered is withheld."""
    survey = await session.get(Survey, survey_id)
    if survey is None:
        raise LookupError(f"no survey {survey_id}")
    counted = await tally(session, [survey_id], min_group)
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
            withheld=counted.is_withheld(question.id),
        )
        if question.kind == QuestionKind.rating and not result.withheld and result.answered:
            total = sum(int(k) * v for k, v in tally_of.items() if k in RATINGS)
            result.average = round(total / result.answered, 2)
        figures.append(result)
    return SurveyResults(
        survey.id, survey.service_id, survey.titles, survey.status, invited, completed, figures
    )
