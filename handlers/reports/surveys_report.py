"""Survey results of one service, per question, anonymous, for the staff report: the surveys'
one count of answers (handlers.surveys.results.tally) in the reader's language. The response
rate is completed invitations over all invitations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import FALLBACK, N_, Translator, translator
from handlers.surveys.results import MIN_GROUP, tally
from models import (
    QuestionKind,
    Service,
    Survey,
    SurveyQuestion,
    SurveyStatus,
)

RATINGS = ("1", "2", "3", "4", "5")
YES_NO = ("yes", "no")
T = TypeVar("T")


@dataclass
class QuestionResult:
    """One question's answers: counts per option (rating 1–5, yes/no, choices) or written texts."""

    position: int
    kind: QuestionKind
    text: str
    options: list[tuple[str, int]] = field(default_factory=list)  # (label, answers), in order
    answers: int = 0
    texts: list[str] = field(default_factory=list)
    withheld: bool = False  # answered by too few to show (REPORT_MIN_GROUP): no figures

    @property
    def mean(self) -> float | None:
        """The average rating (rating questions with answers only)."""
        if self.kind != QuestionKind.rating:
            return None
        counted = sum(n for _, n in self.options)
        if not counted:
            return None
        return sum(int(label) * n for label, n in self.options) / counted


@dataclass
class SurveyResult:
    """One survey of the service: who was asked, who finished, and each question."""

    survey_id: int
    title: str
    invited: int
    completed: int
    questions: list[QuestionResult]

    @property
    def response_rate(self) -> float | None:
        """Completed over invited, 0..1 (None when nobody was invited)."""
        return self.completed / self.invited if self.invited else None


@dataclass
class SurveyReport:
    """Every sent survey of one service."""

    service_id: int
    service_title: str
    municipality_id: int
    surveys: list[SurveyResult]

    @property
    def invited(self) -> int:
        return sum(s.invited for s in self.surveys)

    @property
    def completed(self) -> int:
        return sum(s.completed for s in self.surveys)

    @property
    def answers(self) -> int:
        """Answers to every question of every survey."""
        return sum(q.answers for s in self.surveys for q in s.questions)


def answered(tr: Translator, completed: int, invited: int) -> str:
    """“3 of 5 invited people answered”, with the language's plural."""
    return tr.tn(
        "{completed} of {n} invited person answered",
        "{completed} of {n} invited people answered",
        invited,
        completed=completed,
    )


def written_in(texts: dict[str, T] | None, language: str, empty: T) -> T:
    """The text written in `language`, or in the closest language written (as broadcasts fall
    back), or `empty` when there is none."""
    for candidate in FALLBACK.get(language, FALLBACK["ky"]):
        if texts and texts.get(candidate):
            return texts[candidate]
    return next((value for value in (texts or {}).values() if value), empty)


def _option_labels(question: SurveyQuestion, language: str) -> list[tuple[str, str]]:
    """(stored value, label) of each possible answer, in the order they are offered."""
    tr = translator(language)
    if question.kind == QuestionKind.rating:
        return [(value, value) for value in RATINGS]
    if question.kind == QuestionKind.yes_no:
        return [("yes", tr.t(N_("Yes"))), ("no", tr.t(N_("No")))]
    if question.kind == QuestionKind.choice:
        choices: list[str] = written_in(question.choices, language, [])
        # a choice answer is stored as the index of the choice (0 for the first)
        return [(str(index), label) for index, label in enumerate(choices)]
    return []


async def survey_report(
    session: AsyncSession, service: Service, language: str, min_group: int = MIN_GROUP
) -> SurveyReport:
    """The results of `service`'s sent surveys, texts in `language` (or the closest written);
    a question fewer than `min_group` answered is withheld. The caller has checked the scope."""
    surveys = (
        await session.scalars(
            select(Survey)
            .where(Survey.service_id == service.id, Survey.status != SurveyStatus.draft)
            .order_by(Survey.id)
        )
    ).all()
    ids = [s.id for s in surveys]
    questions = (
        await session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id.in_(ids))
            .order_by(SurveyQuestion.survey_id, SurveyQuestion.position)
        )
    ).all()
    counted = await tally(session, ids, min_group)
    results = []
    for survey in surveys:
        rows = []
        for question in (q for q in questions if q.survey_id == survey.id):
            result = QuestionResult(
                question.position, question.kind, written_in(question.texts, language, "")
            )
            result.answers = counted.answered(question.id)
            if counted.is_withheld(question.id):
                result.withheld = True
            elif question.kind == QuestionKind.text:
                result.texts = sorted(counted.written.get(question.id, []), key=str.casefold)
            else:
                values = counted.counts.get(question.id, {})
                result.options = [
                    (label, values.get(v, 0)) for v, label in _option_labels(question, language)
                ]
            rows.append(result)
        asked, done = counted.invited.get(survey.id, (0, 0))
        results.append(
            SurveyResult(survey.id, written_in(survey.titles, language, ""), asked, done, rows)
        )
    return SurveyReport(service.id, service.title, service.municipality_id, results)
