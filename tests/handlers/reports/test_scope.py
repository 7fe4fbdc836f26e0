"""Staff see their own municipality's reports only, whatever they ask; refusals are audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.audit import PermissionDenied
from bot.wiring import load
from handlers.reports.build import gather_report
from handlers.reports.kinds import ReportKind
from handlers.reports.report import ReportRequest
from models import AuditEvent, Person
from tests.handlers.reports.test_figures import gather
from tests.handlers.reports.world import MARCH, create_world


@pytest.fixture
async def world(app):
    return await create_world(app)


async def refused(app, person_id: int, request: ReportRequest) -> bool:
    """Whether the report is refused; the refusal's audit record is committed, as the flow does."""
    async with app.sessions() as session, session.begin():
        try:
            await gather_report(session, await session.get(Person, person_id), request, "en")
        except PermissionDenied:
            return True
    return False


async def refusals(app) -> list[tuple[int | None, str, str | None]]:
    async with app.sessions() as session:
        events = await session.scalars(select(AuditEvent).where(AuditEvent.outcome == "refused"))
        return [(e.person_id, e.action, e.detail) for e in events.all()]


@pytest.mark.parametrize("kind", [ReportKind.needs, ReportKind.tenders])
async def test_staff_of_one_municipality_cannot_get_anothers_report(app, world, kind) -> None:
    assert await refused(app, world.home_staff_id, ReportRequest(kind, MARCH, world.elsewhere_id))
    assert await refused(
        app, world.home_staff_id, ReportRequest(kind, MARCH, None)
    )  # nor every municipality's together
    assert await refusals(app) == [
        (world.home_staff_id, f"report:{kind}", f"municipality={world.elsewhere_id}"),
        (world.home_staff_id, f"report:{kind}", "municipality=None"),
    ]
    other = await gather(
        app, world.elsewhere_staff_id, ReportRequest(kind, MARCH, world.elsewhere_id)
    )
    assert other.figures.total == 1  # their own: fine


async def test_staff_cannot_get_another_municipalitys_survey_results(app, world) -> None:
    request = ReportRequest(ReportKind.surveys, service_id=world.service_id)
    assert await refused(app, world.elsewhere_staff_id, request)
    assert await refused(
        app, world.home_staff_id, ReportRequest(ReportKind.surveys, service_id=9999)
    )  # an unknown service is refused alike
    assert await refusals(app) == [
        (world.elsewhere_staff_id, "report:surveys", f"service={world.service_id}"),
        (world.home_staff_id, "report:surveys", "service=9999"),
    ]
    admin = await gather(app, world.admin_id, request)
    assert admin.figures.completed == 3


async def test_residents_get_no_report_at_all(app, world) -> None:
    assert await refused(
        app, world.resident_id, ReportRequest(ReportKind.needs, MARCH, world.home_id)
    )
    assert await refusals(app) == [
        (world.resident_id, "report:needs", f"municipality={world.home_id}")
    ]
    async with app.sessions() as session:
        resident = await session.get(Person, world.resident_id)
        staff = await session.get(Person, world.home_staff_id)
    flow = load().flow_registry()["staff_reports"]
    assert flow.allowed is not None
    assert not flow.allowed(resident) and flow.allowed(staff)
