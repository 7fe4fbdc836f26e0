"""The open data sets: every need (anonymised), its supports by month, every published tender
and its award, and every survey's aggregated answers — as tables of plain values whose columns
the data dictionary describes.

What is left out, and why: who reported or supported a need (a person), the place a resident
typed and the coordinates they shared (a house, a person's home — the municipality is the
finest place given), photos (staff mark some public on a need's page, one at a time), written
survey answers (free text can name anyone), the NGOs' contacts, and the figures of any survey
question fewer than REPORT_MIN_GROUP people answered (only how many answered). Texts are the
moderated ones with phone numbers masked, as on every public page; a hidden need keeps its row
(the figures add up to the staff reports') without its text.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.formats import local_day
from bot.i18n import N_
from bot.phones import mask_phones
from bot.settings import LANGUAGES, Settings
from handlers.reports.open_data import by_group
from handlers.reports.open_data.schema import Column, Dataset, Names
from handlers.surveys.results import tally
from handlers.surveys.surveys import RATINGS
from models import (
    Category,
    Municipality,
    Need,
    NeedSupport,
    Organization,
    QuestionKind,
    Service,
    Survey,
    SurveyQuestion,
    SurveyStatus,
    Tender,
    TenderStatus,
)
from models.need import format_reference

NEEDS = (
    Column(
        "reference",
        N_("The need's number, as residents and staff quote it; its page is /n/ and the number"),
    ),
    Column(
        "municipality_code",
        N_("The municipality's code in the register (the same as in the page addresses /m/CODE)"),
    ),
    Column("municipality_ky", N_("The municipality's name in Kyrgyz")),
    Column("municipality_ru", N_("The municipality's name in Russian")),
    Column("category_code", N_("The need's category, as a code")),
    Column("category_ky", N_("The category's name in Kyrgyz")),
    Column("category_ru", N_("The category's name in Russian")),
    Column("status", N_("new, received, in_progress, resolved or rejected")),
    Column("reported_on", N_("The day it was reported (YYYY-MM-DD, local time)")),
    Column("updated_on", N_("The day it last changed")),
    Column("supports", N_("How many residents support it besides the one who reported it")),
    Column("language", N_("The language it was written in (ky, ru, uz, en)")),
    Column(
        "text",
        N_(
            "What was asked for, as moderated, phone numbers masked as ***; empty when staff hid it"
        ),
    ),
    Column("text_edited", N_("yes when staff took personal details out of the text")),
    Column("text_hidden", N_("yes when staff hid the text from the public")),
    Column("municipality_comment", N_("The municipality's latest comment on it")),
)
SUPPORTS = (
    Column("reference", N_("The need's number")),
    Column("month", N_("The month (YYYY-MM)")),
    Column("supports", N_("Supports given to the need in that month")),
)
TENDERS = (
    Column("ocid", N_("The tender's OCDS id: its releases are in the OCDS package")),
    Column("municipality_code", N_("The municipality's code in the register")),
    Column("municipality_ky", N_("The municipality's name in Kyrgyz")),
    Column("category_code", N_("The category of needs it answers, as a code")),
    Column("title", N_("The tender's title")),
    Column("status", N_("active (open to applications), awarded or cancelled")),
    Column("budget", N_("The budget")),
    Column("currency", N_("The currency of the budget and the award (KGS: som)")),
    Column("published_on", N_("The day it was published")),
    Column("deadline", N_("When applications close (YYYY-MM-DD HH:MM, local time)")),
    Column("awarded_to", N_("The NGO it was awarded to")),
    Column("award_amount", N_("The amount awarded")),
    Column("awarded_on", N_("The day it was awarded")),
)
SURVEYS = (
    Column("survey_id", N_("The survey's number")),
    Column("service", N_("The service its beneficiaries were asked about")),
    Column("municipality_code", N_("The municipality's code in the register")),
    Column("category_code", N_("The category of the service, as a code")),
    Column("invited", N_("How many beneficiaries were invited to answer")),
    Column("completed", N_("How many answered every question")),
    Column("question", N_("The question's place in the survey (1 first)")),
    Column(
        "kind", N_("rating (1 to 5), yes_no, choice or text (written answers are not published)")
    ),
    *(
        Column(f"question_{code}", N_("The question as asked, in that language"))
        for code in LANGUAGES
    ),
    Column("answered", N_("How many answered the question")),
    Column(
        "withheld",
        N_(
            "yes when too few answered to show what they said without pointing to people: then only how many answered"
        ),
    ),
    Column("answer", N_("The answer: the rating, yes or no, or the option's number and text")),
    Column("count", N_("How many gave that answer")),
    Column("average", N_("The average rating, for a rating question")),
)


def _yes(flag: bool) -> str:
    return "yes" if flag else "no"


def _money(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


@dataclass
class Source:
    """What the data sets are made of, as read from the database: plain rows, no session, so
    turning them into tables (masking every text: the slow part) can run in a thread."""

    units: Names
    kinds: Names
    needs: list[Any]
    supports: list[Any]
    tenders: list[Any]
    winners: dict[int, str]
    surveys: Dataset
    by_group: list[Dataset]


def _names_of(names: Names, key: int) -> tuple[str, str, str]:
    return names.get(key, ("", "", ""))


def _needs(source: Source, day: Callable[[datetime], str]) -> Dataset:
    rows = []
    for need in source.needs:
        unit, kind = (
            _names_of(source.units, need.municipality_id),
            _names_of(source.kinds, need.category_id),
        )
        rows.append(
            [
                format_reference(need.id),
                *unit,
                *kind,
                need.status.value,
                day(need.created_at),
                day(need.updated_at),
                need.supports_total,
                need.language,
                mask_phones(Need.public_description.fget(need)) or "",  # the model's rule
                _yes(not need.hidden and need.redacted is not None),
                _yes(need.hidden),
                mask_phones(need.staff_comment) or "",
            ]
        )
    return Dataset(
        "needs", N_("Needs"), N_("Every need residents reported, one a row."), NEEDS, rows
    )


def _supports(source: Source, zone: str) -> Dataset:
    """Supports by need and month, months in local time."""
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for need_id, moment in source.supports:
        counts[(need_id, local_day(moment, zone).strftime("%Y-%m"))] += 1
    table = [
        [format_reference(need_id), month, n] for (need_id, month), n in sorted(counts.items())
    ]
    return Dataset(
        "supports",
        N_("Supports"),
        N_("How many supports each need got, month by month."),
        SUPPORTS,
        table,
    )


def _tenders(source: Source, zone: str, day: Callable[[datetime], str]) -> Dataset:
    rows = []
    for tender in source.tenders:
        unit, kind = (
            _names_of(source.units, tender.municipality_id),
            _names_of(source.kinds, tender.category_id),
        )
        rows.append(
            [
                tender.ocid or "",
                unit[0],
                unit[1],
                kind[0],
                tender.title,
                tender.status.value,
                _money(tender.budget),
                tender.currency,
                day(tender.published_at) if tender.published_at else "",
                tender.deadline.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M"),
                source.winners.get(tender.awarded_organization_id or 0, ""),
                _money(tender.award_amount),
                day(tender.awarded_at) if tender.awarded_at else "",
            ]
        )
    return Dataset(
        "tenders",
        N_("Tenders and awards"),
        N_("Every published tender, and who it was awarded to."),
        TENDERS,
        rows,
    )


def _answers(question: SurveyQuestion, counts: dict[str, int]) -> list[tuple[str, int]]:
    if question.kind == QuestionKind.rating:
        return [(value, counts.get(value, 0)) for value in RATINGS]
    if question.kind == QuestionKind.yes_no:
        return [(value, counts.get(value, 0)) for value in ("yes", "no")]
    if question.kind == QuestionKind.choice:
        labels = (question.choices or {}).get("en") or next(
            iter((question.choices or {}).values()), []
        )
        return [(f"{i + 1}. {label}", counts.get(str(i), 0)) for i, label in enumerate(labels)]
    return []


async def _surveys(
    session: AsyncSession, settings: Settings, units: Names, kinds: Names
) -> Dataset:
    surveys = (
        await session.scalars(
            select(Survey)
            .where(Survey.status.in_([SurveyStatus.sent, SurveyStatus.closed]))
            .order_by(Survey.id)
        )
    ).all()
    counted = await tally(session, [s.id for s in surveys], settings.report_min_group)
    services = {s.id: s for s in (await session.scalars(select(Service))).all()}
    questions = (
        await session.scalars(
            select(SurveyQuestion)
            .where(SurveyQuestion.survey_id.in_([s.id for s in surveys]))
            .order_by(SurveyQuestion.survey_id, SurveyQuestion.position)
        )
    ).all()
    by_survey: dict[int, list[SurveyQuestion]] = defaultdict(list)
    for question in questions:
        by_survey[question.survey_id].append(question)
    rows = []
    for survey in surveys:
        service = services.get(survey.service_id)
        unit = _names_of(units, service.municipality_id if service else 0)
        kind = _names_of(kinds, service.category_id if service else 0)
        invited, completed = counted.invited.get(survey.id, (0, 0))
        head = [
            survey.id,
            service.title if service else "",
            unit[0],
            kind[0],
            invited,
            completed,
        ]
        for question in by_survey[survey.id]:
            answered = counted.answered(question.id)
            withheld = counted.is_withheld(question.id)
            texts = [question.texts.get(code, "") for code in LANGUAGES]
            base = [*head, question.position, question.kind.value, *texts, answered, _yes(withheld)]
            counts = counted.counts.get(question.id, {})
            answers = [] if withheld else _answers(question, counts)
            average = None
            if question.kind == QuestionKind.rating and answers and answered:
                average = round(sum(int(v) * n for v, n in answers) / answered, 2)
            if not answers:
                rows.append([*base, "", None, None])
            for value, n in answers:
                rows.append([*base, value, n, average])
    return Dataset(
        "survey_results",
        N_("Survey results"),
        N_("What the beneficiaries of each service answered, counted; nobody's own answers."),
        SURVEYS,
        rows,
    )


async def read(session: AsyncSession, settings: Settings) -> Source:
    """Everything the data sets hold, in a few queries (the surveys' small figures and those by
    group counted here already, through the functions the staff reports read)."""

    units = {
        u.id: (u.code, u.name_ky, u.name("ru"))
        for u in (await session.scalars(select(Municipality))).all()
    }
    kinds = {
        c.id: (c.code, c.name_ky, c.name_ru)
        for c in (await session.scalars(select(Category))).all()
    }
    needs = await session.execute(
        select(
            Need.id,
            Need.municipality_id,
            Need.category_id,
            Need.status,
            Need.created_at,
            Need.updated_at,
            Need.supports_total,
            Need.language,
            Need.description,
            Need.hidden,
            Need.redacted,
            Need.staff_comment,
        ).order_by(Need.id)
    )
    supports = await session.execute(select(NeedSupport.need_id, NeedSupport.created_at))
    tenders = await session.execute(
        select(
            Tender.ocid,
            Tender.municipality_id,
            Tender.category_id,
            Tender.title,
            Tender.status,
            Tender.budget,
            Tender.currency,
            Tender.published_at,
            Tender.deadline,
            Tender.awarded_organization_id,
            Tender.award_amount,
            Tender.awarded_at,
        )
        .where(Tender.published_at.is_not(None), Tender.status != TenderStatus.draft)
        .order_by(Tender.id)
    )
    winners = dict((await session.execute(select(Organization.id, Organization.name))).all())
    return Source(
        units,
        kinds,
        list(needs.all()),
        list(supports.all()),
        list(tenders.all()),
        winners,
        await _surveys(session, settings, units, kinds),
        [
            await by_group.supports_by_group(session, settings, units),
            await by_group.answers_by_group(session, settings, units),
        ],
    )


def tables(source: Source, settings: Settings) -> list[Dataset]:
    """The data sets made of `source`: no database, so it may run in a thread."""
    zone = settings.timezone

    def day(moment: datetime) -> str:
        return local_day(moment, zone).isoformat()

    return [
        _needs(source, day),
        _supports(source, zone),
        _tenders(source, zone, day),
        source.surveys,
        *source.by_group,
    ]


async def collect(session: AsyncSession, settings: Settings) -> list[Dataset]:
    """Every data set (reading and making them in one go)."""
    return tables(await read(session, settings), settings)
