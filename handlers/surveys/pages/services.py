"""The services pages: the municipality's delivered services (admins: every one) with their
NGO, group, dates and beneficiaries; registering one under an awarded tender; a service's page
with its beneficiaries (phones partly hidden) and surveys; and a CSV of beneficiaries uploaded
with a report of every line — all through the service the bot's "staff_services" flow and
`kenesh services` call (handlers.surveys.services), which check the scope again."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from bot import audit
from bot.audit import PermissionDenied
from bot.i18n import N_
from bot.phones import partly_hidden
from bot.times import local_time
from bot.web.choices import as_id
from bot.web.desk import Desk
from bot.web.workspace import Workspace
from handlers.surveys.beneficiary_files import (
    MAX_BYTES,
    ListFile,
    ListFileError,
    ListProblem,
    read_list_file,
    template_csv,
)
from handlers.surveys.enrol_lists import (
    EnrolReport,
    LineOutcome,
    enrol_for_services,
    enrol_phones,
)
from handlers.surveys.flows.survey_results import STATUS_NAMES
from handlers.surveys.pages.scope import service_in_scope
from handlers.surveys.services import (
    ServiceError,
    awarded_tenders_for_staff,
    beneficiaries_of,
    beneficiary_count,
    create_service,
    organization_name,
    services_for_staff,
)
from handlers.surveys.surveys import surveys_of, title_of
from models import Category, Municipality, Role, Service, Tender

OUTCOMES = {
    LineOutcome.added: N_("Enrolled"),
    LineOutcome.already: N_("Already enrolled: nothing changed"),
    LineOutcome.repeated: N_("The same number as an earlier line: counted once"),
    LineOutcome.header: N_("Column names: skipped"),
    LineOutcome.bad_phone: N_(
        "Not a phone number. Write it like 0555 123 456 or +996 555 123 456."
    ),
    LineOutcome.columns: N_(
        "Too many columns: only the phone number and, if you like, the language."
    ),
    LineOutcome.language: N_("The language must be ky, ru, uz or en (or left empty)."),
    LineOutcome.unknown_service: N_(
        "No service of your municipality has this join code. Copy it from the service's page."
    ),
}
FILE_PROBLEMS = {
    ListProblem.empty: N_("The file is empty. Choose the CSV file with the phone numbers."),
    ListProblem.too_big: N_("The file is too large: at most 512 KB, some 30,000 lines."),
    ListProblem.workbook: N_(
        "This is an Excel workbook. In Excel choose “Save as”, then “CSV”, and upload that file."
    ),
    ListProblem.encoding: N_(
        "This file cannot be read as text. Save it from Excel as “CSV” or “CSV UTF-8”."
    ),
}
NO_FILE = N_("Choose the CSV file with the phone numbers.")
TEMPLATE_HEADER = (N_("Phone"), N_("Language"))
SERVICE_COLUMN = N_("Service's join code")


async def _facts(desk: Desk, service: Service) -> dict[str, Any]:
    """What staff read about a service in the list and on its page."""
    session = desk.session
    tender = await session.get(Tender, service.tender_id) if service.tender_id else None
    category = await session.get(Category, service.category_id)
    place = await session.get(Municipality, service.municipality_id)
    return {
        "service": service,
        "ngo": await organization_name(session, service),
        "group": category.name(desk.language) if category else "—",
        "place": place.name(desk.language) if place else "—",
        "tender": tender,
        "beneficiaries": await beneficiary_count(session, service.id),
    }


class _FileRefused(Exception):
    """The upload is no list that can be read; `reason` (a msgid) goes next to the field."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def _uploaded(desk: Desk) -> ListFile:
    """The list in the form's file field, in whatever encoding and separator Excel wrote."""
    sent = desk.form.get("file") if desk.form is not None else None
    if not isinstance(sent, UploadFile) or not sent.filename:
        raise _FileRefused(NO_FILE)
    try:
        return read_list_file(await sent.read(MAX_BYTES + 1))
    except ListFileError as error:
        raise _FileRefused(FILE_PROBLEMS[error.problem]) from None


async def _audit_upload(desk: Desk, where: str, report: EnrolReport) -> None:
    detail = f"{where} added={report.added} refused={len(report.refused)}"
    await audit.record(desk.session, desk.person.id, "enrol_beneficiaries", "ok", detail)


def routes(workspace: Workspace) -> APIRouter:
    """GET /staff/services/, …/new, …/template.csv, …/{id}; POST …/new, …/{id}/beneficiaries."""
    router = APIRouter(prefix="/services")
    zone = workspace.settings.timezone

    def when(moment: Any) -> str:
        return local_time(moment, zone)

    async def render_list(
        desk: Desk,
        status_code: int = 200,
        report: EnrolReport | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response:
        found = await services_for_staff(desk.session, desk.person)
        named = {s.id: f"#{s.id} · {s.title}" for s in found}
        for line in report.lines if report else []:
            if line.service_id is not None and line.service_id not in named:
                service = await desk.session.get(Service, line.service_id)
                named[line.service_id] = f"#{line.service_id} · {service.title if service else ''}"
        return desk.render(
            "surveys/services.html",
            status_code=status_code,
            rows=[await _facts(desk, service) for service in found],
            admin=desk.person.role == Role.admin,
            when=when,
            report=report,
            service_names=named,
            outcome=lambda line: desk.t(OUTCOMES[line.outcome]),
            hidden=partly_hidden,
            errors={name: desk.t(text) for name, text in (errors or {}).items()},
            max_kb=MAX_BYTES // 1024,
        )

    @router.get("/")
    async def service_list(desk: Desk = workspace.signed_in) -> Response:
        """The services the person may manage, newest first, with their beneficiaries."""
        return await render_list(desk)

    @router.post("/beneficiaries")
    async def upload_several(desk: Desk = workspace.signed_in) -> Response:
        """One list for several services, each line naming its service by join code: each line
        enrolled in its service or refused with the reason, as on a service's page."""
        try:
            found = await _uploaded(desk)
        except _FileRefused as refused:
            return await render_list(desk, 422, errors={"file": refused.reason})
        report = await enrol_for_services(desk.session, desk.person, found.lines, found.delimiter)
        await _audit_upload(desk, "services", report)
        return await render_list(desk, report=report)

    async def render_new(
        desk: Desk, status_code: int = 200, errors: dict[str, str] | None = None, typed=None
    ) -> Response:
        return desk.render(
            "surveys/service_new.html",
            status_code=status_code,
            tenders=await awarded_tenders_for_staff(desk.session, desk.person),
            errors={name: desk.t(text) for name, text in (errors or {}).items()},
            typed=typed or {},
        )

    @router.get("/new")
    async def new_form(desk: Desk = workspace.signed_in) -> Response:
        """Register a service: which awarded tender, and its name as beneficiaries know it."""
        return await render_new(desk)

    @router.post("/new")
    async def register(desk: Desk = workspace.signed_in) -> Response:
        """The service is registered with a join code, as in the bot; its page opens."""
        typed = {"tender": desk.field("tender"), "title": desk.field("title")}
        tenders = await awarded_tenders_for_staff(desk.session, desk.person)
        tender_id = as_id(typed["tender"], [t.id for t in tenders])
        errors: dict[str, str] = {}
        if tender_id is None:
            errors["tender"] = N_("Choose an awarded tender from the list.")
        if len(typed["title"]) > 300:
            errors["title"] = N_("At most 300 characters.")
        if errors or tender_id is None:
            return await render_new(desk, 422, errors, typed)
        try:
            service = await create_service(desk.session, desk.person, tender_id, typed["title"])
        except (ServiceError, PermissionDenied):
            errors["tender"] = N_("This tender cannot get a service.")
            return await render_new(desk, 422, errors, typed)
        notice = desk.t(
            N_("Service #{id} is registered. Its join code is {code}."),
            id=service.id,
            code=service.join_code,
        )
        return desk.redirect(f"/staff/services/{service.id}", notice)

    @router.get("/template.csv")
    async def template(columns: str = "", desk: Desk = workspace.signed_in) -> Response:
        """The empty list to fill in, its column names in the reader's language (with the
        service's join code first for a list of several services: ?columns=service)."""
        header = [desk.t(TEMPLATE_HEADER[0]), desk.t(TEMPLATE_HEADER[1])]
        if columns == "service":
            header.insert(0, desk.t(SERVICE_COLUMN))
        body = template_csv(tuple(header))
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"content-disposition": 'attachment; filename="kenesh-beneficiaries.csv"'},
        )

    async def render_service(
        desk: Desk,
        service: Service,
        status_code: int = 200,
        report: EnrolReport | None = None,
        errors: dict[str, str] | None = None,
        encoding: str | None = None,
    ) -> Response:
        surveys = await surveys_of(desk.session, service.id)
        return desk.render(
            "surveys/service.html",
            status_code=status_code,
            **await _facts(desk, service),
            enrolled=await beneficiaries_of(desk.session, service.id),
            surveys=surveys,
            survey_title=lambda survey: title_of(survey, desk.language),
            survey_status=lambda survey: desk.t(STATUS_NAMES[survey.status]),
            report=report,
            service_names={},
            outcome=lambda line: desk.t(OUTCOMES[line.outcome]),
            hidden=partly_hidden,
            errors={name: desk.t(text) for name, text in (errors or {}).items()},
            encoding=encoding,
            max_kb=MAX_BYTES // 1024,
            when=when,
        )

    @router.get("/{service_id}")
    async def service_page(service_id: int, desk: Desk = workspace.signed_in) -> Response:
        """A service: who delivers it for whom, its beneficiaries and its surveys."""
        return await render_service(desk, await service_in_scope(desk, service_id))

    @router.post("/{service_id}/beneficiaries")
    async def upload(service_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Enrol the phone numbers of an uploaded CSV and report every line: the readable ones
        are enrolled, each refused one says why; an unreadable file enrols nobody."""
        service = await service_in_scope(desk, service_id)
        try:
            found = await _uploaded(desk)
        except _FileRefused as refused:
            return await render_service(desk, service, 422, errors={"file": refused.reason})
        report = await enrol_phones(desk.session, service, found.lines, found.delimiter)
        await _audit_upload(desk, f"service={service.id}", report)
        return await render_service(desk, service, report=report, encoding=found.encoding)

    return router
