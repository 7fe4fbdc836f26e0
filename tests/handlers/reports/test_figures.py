"""Report figures against the hand-counted world (tests/handlers/reports/world.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from handlers.reports.build import gather_report
from handlers.reports.kinds import ReportKind
from handlers.reports.periods import Period
from handlers.reports.report import ReportRequest
from models import NeedStatus, Person, QuestionKind, TenderStatus
from tests.handlers.reports.world import MARCH, create_world


@pytest.fixture
async def world(app):
    return await create_world(app)


async def gather(app, person_id: int, request: ReportRequest, language: str = "en"):
    async with app.sessions() as session, session.begin():
        person = await session.get(Person, person_id)
        return await gather_report(session, person, request, language, min_group=1)


async def test_needs_by_category_and_status_with_supports(app, world) -> None:
    request = ReportRequest(ReportKind.needs, MARCH, world.home_id)
    report = await gather(app, world.home_staff_id, request)
    figures = report.figures
    rows = {row.name: row for row in figures.categories}
    assert list(rows) == ["Water supply", "Roads and lighting", "Health"]  # most needs first
    assert rows["Water supply"].by_status == {NeedStatus.new: 2, NeedStatus.resolved: 1}
    assert rows["Water supply"].supports == 3
    assert rows["Roads and lighting"].by_status == {
        NeedStatus.in_progress: 1,
        NeedStatus.rejected: 1,
    }
    assert rows["Roads and lighting"].supports == 1
    assert rows["Health"].by_status == {NeedStatus.received: 1}
    assert rows["Health"].supports == 0
    assert (figures.total, figures.supports) == (6, 4)
    # local days: 00:30 on March 1 is in, 00:30 on April 1 is out, though both are UTC March
    days = dict(figures.timeline)
    assert len(days) == 31
    assert {day: n for day, n in days.items() if n} == {
        "2026-03-01": 1,
        "2026-03-10": 1,
        "2026-03-15": 2,
        "2026-03-20": 1,
        "2026-03-31": 1,
    }
    assert report.summary() == (
        "Barpy ayil aimak, 01/03/2026 – 31/03/2026: 6 needs reported, 4 supports. "
        "Resolved: 1. Most often: Water supply."
    )


async def test_admins_see_all_municipalities_together(app, world) -> None:
    report = await gather(app, world.admin_id, ReportRequest(ReportKind.needs, MARCH, None))
    rows = {row.name: row for row in report.figures.categories}
    assert rows["Water supply"].by_status == {NeedStatus.new: 3, NeedStatus.resolved: 1}
    assert rows["Water supply"].supports == 5
    assert report.figures.total == 7
    assert report.place == "All municipalities"


async def test_a_long_period_is_counted_by_month(app, world) -> None:
    year = Period(date(2026, 1, 1), date(2026, 12, 31))
    report = await gather(
        app, world.home_staff_id, ReportRequest(ReportKind.needs, year, world.home_id)
    )
    assert report.figures.timeline[:4] == [
        ("2026-01", 0),
        ("2026-02", 1),
        ("2026-03", 6),
        ("2026-04", 1),
    ]
    assert len(report.figures.timeline) == 12


async def test_category_names_and_plurals_follow_the_reader(app, world) -> None:
    request = ReportRequest(ReportKind.needs, MARCH, world.home_id)
    report = await gather(app, world.home_staff_id, request, language="ru")
    assert report.figures.categories[0].name == "Водоснабжение"
    assert report.summary() == (
        "Айыльный аймак Барпы, 01.03.2026 – 31.03.2026: поступило 6 потребностей, 4 поддержки. "
        "Решено: 1. Чаще всего: Водоснабжение."
    )


async def test_tenders_by_sector_status_and_money(app, world) -> None:
    request = ReportRequest(ReportKind.tenders, MARCH, world.home_id)
    report = await gather(app, world.home_staff_id, request)
    figures = report.figures
    sectors = {s.name: s for s in figures.sectors}
    assert set(sectors) == {"Water supply", "Education"}
    water, education = sectors["Water supply"], sectors["Education"]
    assert water.by_status == {TenderStatus.awarded: 1, TenderStatus.active: 1}
    assert (water.budget, water.awarded) == (Decimal("150000.00"), Decimal("95000.50"))
    assert education.by_status == {TenderStatus.cancelled: 1, TenderStatus.draft: 1}
    assert (education.budget, education.awarded) == (Decimal("30000.25"), Decimal("0.00"))
    assert (figures.total, figures.budget, figures.awarded) == (
        4,
        Decimal("180000.25"),
        Decimal("95000.50"),
    )
    assert report.summary() == (
        "Barpy ayil aimak, 01/03/2026 – 31/03/2026: 4 tenders with a budget of 180,000.25 som. "
        "Awarded: 1, for 95,000.50 som."
    )


async def test_survey_results_per_question(app, world) -> None:
    request = ReportRequest(ReportKind.surveys, service_id=world.service_id)
    report = await gather(app, world.home_staff_id, request)
    figures = report.figures
    assert [s.title for s in figures.surveys] == ["Home care feedback"]  # the draft is left out
    survey = figures.surveys[0]
    assert (survey.invited, survey.completed, survey.response_rate) == (5, 3, 0.6)
    rating, yes_no, choice, text = survey.questions
    assert rating.kind == QuestionKind.rating
    assert rating.options == [("1", 0), ("2", 1), ("3", 0), ("4", 2), ("5", 1)]
    assert (rating.answers, rating.mean) == (4, 3.75)
    assert yes_no.options == [("Yes", 2), ("No", 1)]
    assert choice.options == [("Morning", 1), ("Afternoon", 0), ("Evening", 2)]
    assert choice.mean is None
    assert (text.answers, text.texts) == (2, ["More visits please", "Thank you"])
    assert report.summary() == (
        "Home care: 3 of 5 invited people answered, response rate 60%. Average rating: 3.8 of 5."
    )


async def test_survey_texts_follow_the_reader(app, world) -> None:
    request = ReportRequest(ReportKind.surveys, service_id=world.service_id)
    report = await gather(app, world.home_staff_id, request, language="ky")
    survey = report.figures.surveys[0]
    assert survey.title == "Отзыв об уходе на дому"  # no Kyrgyz written: Russian comes closest
    assert survey.questions[2].options[2] == ("Вечер", 2)
    assert survey.questions[1].options[0] == ("Ооба", 2)
