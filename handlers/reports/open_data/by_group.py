"""The open data by group — supports by municipality, survey answers by question — for each age
band, gender and disability answer (and "not answered"), as the staff reports and the public
pages count and suppress them (`handlers.reports.groups`): a cell of fewer than
REPORT_MIN_GROUP people, or one that would let such a cell be worked out, is left empty."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.settings import Settings
from handlers.reports.groups import COLUMNS, supports_by_municipality, survey_answers_by_group
from handlers.reports.open_data.schema import Column, Dataset, Names
from models import QuestionKind, Service, Survey, SurveyQuestion, SurveyStatus

GROUP = N_(
    "How many of this group (empty: fewer than the smallest group shown, or left out so that such a group cannot be worked out from the others)"
)
MEAN = N_("Their average rating (1 to 5), or their share of yes (%)")
GROUP_COLUMNS = tuple(f"{dimension}_{group or 'not_answered'}" for dimension, group in COLUMNS)
MEASURES = {QuestionKind.rating: "average_rating", QuestionKind.yes_no: "yes_percent"}

BY_MUNICIPALITY = (
    Column("municipality_code", N_("The municipality's code in the register")),
    Column("supports", N_("Supports given to the municipality's needs")),
    *(Column(name, GROUP) for name in GROUP_COLUMNS),
)
BY_QUESTION = (
    Column("survey_id", N_("The survey's number")),
    Column("service", N_("The service its beneficiaries were asked about")),
    Column("municipality_code", N_("The municipality's code in the register")),
    Column("question", N_("The question's place in the survey (1 first)")),
    Column("measure", N_("average_rating, yes_percent, or empty for a choice (counts only)")),
    Column("answered", N_("How many answered the question")),
    *(c for name in GROUP_COLUMNS for c in (Column(name, GROUP), Column(f"{name}_mean", MEAN))),
)


async def supports_by_group(session: AsyncSession, settings: Settings, units: Names) -> Dataset:
    """Supports by municipality and group, every municipality."""
    table = await supports_by_municipality(session, None, "en", settings.report_min_group)
    rows = [[units.get(r.key, ("",))[0], r.total, *r.counts] for r in table.rows]
    return Dataset(
        "supports_by_group",
        N_("Supports by group"),
        N_("Supports in each municipality by the supporters' age, gender and disability."),
        BY_MUNICIPALITY,
        rows,
    )


async def answers_by_group(session: AsyncSession, settings: Settings, units: Names) -> Dataset:
    """Survey answers by question and group, every service with a survey sent."""
    services = (
        await session.scalars(
            select(Service)
            .where(
                Service.id.in_(
                    select(Survey.service_id).where(
                        Survey.status.in_([SurveyStatus.sent, SurveyStatus.closed])
                    )
                )
            )
            .order_by(Service.id)
        )
    ).all()
    rows = []
    for service in services:
        table = await survey_answers_by_group(session, service.id, "en", settings.report_min_group)
        questions = {
            q.id: q
            for q in await session.scalars(
                select(SurveyQuestion).where(SurveyQuestion.id.in_([r.key for r in table.rows]))
            )
        }
        for row in table.rows:
            question = questions[row.key]
            means = row.means or [None] * len(row.counts)
            rows.append(
                [
                    question.survey_id,
                    service.title,
                    units.get(service.municipality_id, ("",))[0],
                    question.position,
                    MEASURES.get(question.kind, ""),
                    row.total,
                    *(v for pair in zip(row.counts, means, strict=True) for v in pair),
                ]
            )
    return Dataset(
        "survey_results_by_group",
        N_("Survey results by group"),
        N_("How each group of beneficiaries answered each question, counted."),
        BY_QUESTION,
        rows,
    )
