"""Figures by group: supports and survey answers counted by age band, gender and disability
(the residents' optional answers, `handlers.account.groups`), and by municipality.

Each table has a row per category, municipality or survey question and, per dimension, a
column per group and one for those who did not answer (so a dimension's columns add up to the
row's total, which other tables show). Every cell of fewer than REPORT_MIN_GROUP people is
suppressed, with complementary cells (`handlers.reports.suppression`), before anyone reads the
table: staff reports (bot, workspace, files) and the public pages call the same functions.

Counts come from one GROUP BY each, over the joint answers (age × gender × disability), summed
into each dimension here; no query selects a person's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_, Translator
from handlers.account.groups import DIMENSIONS, GROUP_NAMES, NOT_ANSWERED
from handlers.reports.periods import Period
from handlers.reports.suppression import Cell, suppress
from handlers.reports.surveys_report import written_in
from handlers.surveys.results import MIN_GROUP
from models import (
    Category,
    GroupAnswers,
    Municipality,
    Need,
    NeedSupport,
    QuestionKind,
    Service,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyStatus,
)

# every column: (dimension, group value; None for "not answered")
COLUMNS: list[tuple[str, str | None]] = [
    (dimension, group) for dimension in DIMENSIONS for group in (*GROUP_NAMES[dimension], None)
]
ANSWER_COLUMNS = (GroupAnswers.age_band, GroupAnswers.gender, GroupAnswers.disability)
MEASURES = {
    QuestionKind.rating: N_("average rating, 1 to 5"),
    QuestionKind.yes_no: N_("answered yes, %"),
}


def column_label(tr: Translator, column: tuple[str, str | None]) -> str:
    """A column's header: “30–44”, “Woman”, “Age: not answered”."""
    dimension, group = column
    if group is None:
        return f"{tr.t(DIMENSIONS[dimension])}: {tr.t(NOT_ANSWERED)}"
    return tr.t(GROUP_NAMES[dimension][group])


@dataclass
class GroupRow:
    """One row: its label, its total (shown elsewhere too), and a figure per column — None
    where it is suppressed."""

    key: Any
    label: str
    total: int
    counts: list[int | None]
    means: list[float | None] = field(default_factory=list)  # surveys: per column, or empty
    measure: str | None = None  # what `means` are (a msgid): an average rating, a share of yes


@dataclass
class GroupTable:
    """Rows × COLUMNS, suppressed; `totals`: the columns' totals (None: suppressed), or None
    where columns are not added up (survey questions)."""

    rows: list[GroupRow]
    totals: list[int | None] | None = None
    total: int = 0

    @property
    def empty(self) -> bool:
        return not self.rows


def _column_of(dimension_index: int, value: Any) -> int:
    """The index in COLUMNS of a group (or of "not answered" for None)."""
    dimension = list(DIMENSIONS)[dimension_index]
    groups = list(GROUP_NAMES[dimension])
    offset = sum(len(GROUP_NAMES[d]) + 1 for d in list(DIMENSIONS)[:dimension_index])
    text = value.value if hasattr(value, "value") else value
    return offset + (groups.index(text) if text in groups else len(groups))


def _spread(joint: dict[Any, dict[tuple[Any, ...], int]]) -> dict[Any, list[int]]:
    """Joint counts (row → (age, gender, disability) → n) summed into each column."""
    spread: dict[Any, list[int]] = {}
    for key, cells in joint.items():
        row = spread.setdefault(key, [0] * len(COLUMNS))
        for answers, n in cells.items():
            for index, value in enumerate(answers):
                row[_column_of(index, value)] += n
    return spread


def _dimension_spans() -> list[list[int]]:
    spans, start = [], 0
    for dimension in DIMENSIONS:
        width = len(GROUP_NAMES[dimension]) + 1
        spans.append(list(range(start, start + width)))
        start += width
    return spans


def suppressed_table(
    rows: Sequence[tuple[Any, str, list[int]]], min_group: int, add_columns: bool
) -> GroupTable:
    """Rows of (key, label, counts per column) as a GroupTable, every small cell hidden with
    its complements. `add_columns`: the table has a totals row (its cells hidden alike)."""
    counts = [list(r[2]) for r in rows]
    if add_columns and counts:
        counts.append([sum(col) for col in zip(*counts, strict=True)])
    spans = _dimension_spans()
    lines: list[list[Cell]] = [[(r, c) for c in span] for r in range(len(counts)) for span in spans]
    if add_columns and counts:
        lines += [[(r, c) for r in range(len(counts))] for c in range(len(COLUMNS))]
    hidden = suppress(counts, lines, min_group)
    shown = [
        [None if (r, c) in hidden else n for c, n in enumerate(row)] for r, row in enumerate(counts)
    ]
    table = GroupTable(
        [
            GroupRow(key, label, sum(values[: len(spans[0])]), shown[i])
            for i, (key, label, values) in enumerate(rows)
        ]
    )
    table.total = sum(row.total for row in table.rows)
    if add_columns and rows:
        table.totals = shown[-1]
    return table


def _in_period(query: Select[Any], period: Period | None, municipality_id: int | None) -> Any:
    if period is not None:
        start, end = period.bounds()
        query = query.where(Need.created_at >= start, Need.created_at < end)
    if municipality_id is not None:
        query = query.where(Need.municipality_id == municipality_id)
    return query


def _answered_columns() -> list[Any]:
    """Per column of COLUMNS, the supports counted in it — for a group, those whose supporter
    gave that answer; for "not answered", every answered support, less the dimension's groups
    (subtracted in `_answered`)."""
    counts = []
    for column, dimension in zip(ANSWER_COLUMNS, DIMENSIONS, strict=True):
        values = column.type.enum_class  # type: ignore[attr-defined]
        counts += [func.count().filter(column == values(g)) for g in GROUP_NAMES[dimension]]
        counts.append(func.count())
    return counts


async def _answered(
    session: AsyncSession, period: Period | None, municipality_id: int | None
) -> dict[tuple[int, int], list[int]]:
    """The supports of the people who agreed to the questions, for the needs reported in
    `period`, per (category, municipality) and column: one query for both tables. It starts
    from `group_answers` (the people who agreed) and their supports, never joining every
    support to its need, and counts every column in one pass (a filtered count each), so it
    returns a row per category and municipality, not one per combination of answers."""
    answered = (
        select(Need.category_id, Need.municipality_id, *_answered_columns())
        .select_from(GroupAnswers)
        .join(NeedSupport, NeedSupport.person_id == GroupAnswers.person_id)
        .join(Need, Need.id == NeedSupport.need_id)
        .where(GroupAnswers.agreed_at.is_not(None))
        .group_by(Need.category_id, Need.municipality_id)
    )
    spans = _dimension_spans()
    found: dict[tuple[int, int], list[int]] = {}
    for category_id, place_id, *counts in (
        await session.execute(_in_period(answered, period, municipality_id))
    ).all():
        for span in spans:  # the last of a dimension's counts is all of them: leave the rest
            counts[span[-1]] -= sum(counts[c] for c in span[:-1])
        found[(category_id, place_id)] = counts
    return found


def _by(answered: dict[tuple[int, int], list[int]], side: int) -> dict[int, list[int]]:
    """The answered counts summed by category (side 0) or municipality (side 1)."""
    summed: dict[int, list[int]] = {}
    for key, counts in answered.items():
        row = summed.get(key[side])
        summed[key[side]] = (
            counts if row is None else [a + b for a, b in zip(row, counts, strict=True)]
        )
    return summed


def _with_rest(answered: dict[Any, list[int]], totals: dict[Any, int]) -> dict[Any, list[int]]:
    """Each row's columns: the answered supports, and in each dimension's "not answered" the
    supports nobody answered for (the row's total less the answered). A row with neither
    (needs nobody supported) is left out."""
    spread = {key: list(counts) for key, counts in answered.items()}
    spans = _dimension_spans()
    for key, total in totals.items():
        row = spread.get(key)
        rest = total - (sum(row[c] for c in spans[0]) if row else 0)
        if rest > 0:
            if row is None:
                row = spread[key] = [0] * len(COLUMNS)
            for span in spans:
                row[span[-1]] += rest
    return spread


async def _supports_totals(
    session: AsyncSession, by: Any, period: Period | None, municipality_id: int | None
) -> dict[int, int]:
    """Each row's supports from the count kept on the needs (`supports_total`): one scan of
    the needs, as the needs report makes."""
    totals = select(by, func.sum(Need.supports_total)).group_by(by)
    found = await session.execute(_in_period(totals, period, municipality_id))
    return {key: int(total or 0) for key, total in found.all()}


async def _category_table(
    session: AsyncSession, spread: dict[int, list[int]], language: str, min_group: int
) -> GroupTable:
    names = {c.id: c.name(language) for c in (await session.scalars(select(Category))).all()}
    rows = sorted(
        ((key, names.get(key, "?"), values) for key, values in spread.items()),
        key=lambda r: (-sum(r[2][: len(GROUP_NAMES["age"]) + 1]), r[1].casefold(), r[0]),
    )
    return suppressed_table(rows, min_group, add_columns=True)


async def _municipality_table(
    session: AsyncSession, spread: dict[int, list[int]], language: str, min_group: int
) -> GroupTable:
    units = (await session.scalars(select(Municipality).where(Municipality.id.in_(spread)))).all()
    names = {u.id: u.name(language) for u in units}
    rows = sorted(
        ((key, names.get(key, "?"), values) for key, values in spread.items()),
        key=lambda r: (r[1].casefold(), r[0]),  # namesakes (two Kyzyl-Suu) in a fixed order
    )
    return suppressed_table(rows, min_group, add_columns=True)


async def supports_by_group(
    session: AsyncSession,
    period: Period | None,
    municipality_id: int | None,
    language: str,
    min_group: int = MIN_GROUP,
    totals: dict[int, int] | None = None,
) -> GroupTable:
    """Supports by category and group (the caller has checked the scope; None: everywhere).
    `totals`: each category's supports in the period, when the caller counted them already
    (the needs report has): one scan of the needs fewer. Empty while nobody who supported a
    need of the period answered the questions, when the caller gave no totals."""
    answered = _by(await _answered(session, period, municipality_id), 0)
    if totals is None:
        if not answered:  # nobody there answered: no figures by group, and no scan for totals
            return GroupTable([])
        totals = await _supports_totals(session, Need.category_id, period, municipality_id)
    return await _category_table(session, _with_rest(answered, totals), language, min_group)


async def supports_by_municipality(
    session: AsyncSession, period: Period | None, language: str, min_group: int = MIN_GROUP
) -> GroupTable:
    """Supports by municipality and group, every municipality (admins); empty while nobody
    who supported a need of the period answered the questions."""
    answered = _by(await _answered(session, period, None), 1)
    if not answered:
        return GroupTable([])
    totals = await _supports_totals(session, Need.municipality_id, period, None)
    return await _municipality_table(session, _with_rest(answered, totals), language, min_group)


async def supports_everywhere(
    session: AsyncSession,
    period: Period | None,
    language: str,
    min_group: int = MIN_GROUP,
    totals: dict[int, int] | None = None,
) -> tuple[GroupTable, GroupTable]:
    """Both tables of an admin's report of every municipality — by category and group, by
    municipality and group — from one count of the answered supports (what the two functions
    above would give). `totals`: each category's supports, as `supports_by_group` takes."""
    answered = await _answered(session, period, None)
    by_category, by_place = _by(answered, 0), _by(answered, 1)
    if not answered:  # no figures by municipality, and no scan for their totals
        if totals is None:
            return GroupTable([]), GroupTable([])
        categories = await _category_table(session, _with_rest({}, totals), language, min_group)
        return categories, GroupTable([])
    if totals is None:
        totals = await _supports_totals(session, Need.category_id, period, None)
    places = await _supports_totals(session, Need.municipality_id, period, None)
    return (
        await _category_table(session, _with_rest(by_category, totals), language, min_group),
        await _municipality_table(session, _with_rest(by_place, places), language, min_group),
    )


async def answers_by_group(
    session: AsyncSession,
    survey_ids: Sequence[int],
    labels: dict[int, str],
    min_group: int = MIN_GROUP,
) -> GroupTable:
    """How many of each group answered each rating, yes/no and choice question of
    `survey_ids` (rows keyed by question id, labelled by `labels`), with their average rating
    or share of "yes" (%) beside each count that is shown."""
    if not survey_ids:
        return GroupTable([])
    counted = (
        select(SurveyAnswer.question_id, SurveyQuestion.kind, SurveyAnswer.value)
        .add_columns(*ANSWER_COLUMNS, func.count())
        .join(SurveyQuestion, SurveyQuestion.id == SurveyAnswer.question_id)
        .outerjoin(GroupAnswers, GroupAnswers.person_id == SurveyAnswer.person_id)
        .where(SurveyAnswer.survey_id.in_(survey_ids), SurveyQuestion.kind != QuestionKind.text)
        .group_by(
            SurveyAnswer.question_id, SurveyQuestion.kind, SurveyAnswer.value, *ANSWER_COLUMNS
        )
    )
    joint: dict[int, dict[tuple[Any, ...], int]] = {}
    scored: dict[int, list[float]] = {}  # per column: the sum of ratings, or the "yes" answers
    kinds: dict[int, QuestionKind] = {}
    for question_id, kind, value, age, gender, disability, n in (
        await session.execute(counted)
    ).all():
        cells = joint.setdefault(question_id, {})
        cells[(age, gender, disability)] = cells.get((age, gender, disability), 0) + int(n)
        kinds[question_id] = QuestionKind(kind)
        score = _score(QuestionKind(kind), str(value))
        sums = scored.setdefault(question_id, [0.0] * len(COLUMNS))
        for index, group in enumerate((age, gender, disability)):
            sums[_column_of(index, group)] += score * int(n)
    spread = _spread(joint)
    order = [q for q in labels if q in spread]
    table = suppressed_table(
        [(q, labels[q], spread[q]) for q in order], min_group, add_columns=False
    )
    for row in table.rows:
        row.measure = MEASURES.get(kinds[row.key])
        if row.measure is None:  # a choice: counts only
            row.means = [None] * len(COLUMNS)
            continue
        scale = 100 if kinds[row.key] == QuestionKind.yes_no else 1
        row.means = [
            round(scored[row.key][c] / n * scale, 2 if scale == 1 else 1) if n else None
            for c, n in enumerate(row.counts)
        ]
    return table


def _score(kind: QuestionKind, value: str) -> float:
    """What an answer adds to its group's average: the rating, or 1 for each "yes"."""
    text = value.strip().lower()
    if kind == QuestionKind.rating:
        return float(text) if text in ("1", "2", "3", "4", "5") else 0.0
    if kind == QuestionKind.yes_no:
        return 1.0 if text == "yes" else 0.0
    return 0.0


@dataclass
class ByGroup:
    """A report's figures by group: supports by category (needs), by municipality (needs, all
    municipalities), answers by question (surveys). None where the report has no such table."""

    supports: GroupTable | None = None
    municipalities: GroupTable | None = None
    answers: GroupTable | None = None


async def survey_answers_by_group(
    session: AsyncSession, service_id: int, language: str, min_group: int = MIN_GROUP
) -> GroupTable:
    """The answers to the sent surveys of a service by group, rows labelled “Survey · 1. The
    question” in `language` (or the closest written)."""
    rows = (
        await session.execute(
            select(SurveyQuestion, Survey)
            .join(Survey, Survey.id == SurveyQuestion.survey_id)
            .where(Survey.service_id == service_id, Survey.status != SurveyStatus.draft)
            .order_by(Survey.id, SurveyQuestion.position)
        )
    ).all()
    labels = {
        q.id: f"{written_in(s.titles, language, '')} · {q.position}. "
        f"{written_in(q.texts, language, '')}"
        for q, s in rows
    }
    return await answers_by_group(session, sorted({s.id for _, s in rows}), labels, min_group)


async def public_figures(
    session: AsyncSession,
    municipality_id: int,
    language: str,
    min_group: int = MIN_GROUP,
    period: Period | None = None,
) -> tuple[GroupTable, list[tuple[str, GroupTable]]]:
    """What a municipality's public page may show by group: supports by category (`period`,
    or all time) and, per service with a sent survey, its answers — suppressed exactly as the
    staff reports are, so both agree."""
    supports = await supports_by_group(session, period, municipality_id, language, min_group)
    services = (
        await session.scalars(
            select(Service)
            .where(Service.municipality_id == municipality_id)
            .where(
                Service.id.in_(select(Survey.service_id).where(Survey.status != SurveyStatus.draft))
            )
            .order_by(Service.id)
        )
    ).all()
    answers = []
    for service in services:
        table = await survey_answers_by_group(session, service.id, language, min_group)
        if not table.empty:
            answers.append((service.title, table))
    return supports, answers
