"""The surveys pages: the builder of a service's survey (texts in the four languages side by
side, the invitations and the reminder scheduled) saved by `create_survey`, as the bot's
builder and `kenesh surveys import` save theirs; and a survey's page with its status and the
bot's figures (`results`, REPORT_MIN_GROUP applied), with the reports' spreadsheet of them."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from bot.formats import format_fixed, format_time
from bot.i18n import LANGUAGE_NAMES, N_, text_for
from bot.settings import LANGUAGES
from bot.web.desk import Desk
from bot.web.workspace import Workspace
from handlers.surveys.flows.survey_builder import LATER, NEVER, NOW, REMINDERS
from handlers.surveys.flows.survey_results import STATUS_NAMES
from handlers.surveys.pages.builder import (
    Built,
    blank,
    check_form,
    kind_names,
    read_form,
)
from handlers.surveys.pages.scope import service_in_scope, survey_in_scope
from handlers.surveys.results import TOO_FEW, results
from handlers.surveys.surveys import (
    MAX_CHOICES,
    MAX_QUESTIONS,
    MAX_TEXT,
    MAX_TITLE,
    RATINGS,
    SurveyError,
    choices_of,
    create_survey,
)
from models import QuestionKind, Service, SurveyQuestion, SurveyStatus


def routes(workspace: Workspace) -> APIRouter:
    """GET and POST /staff/services/{id}/surveys/new, GET /staff/surveys/{id}."""
    router = APIRouter()
    settings = workspace.settings

    async def render_builder(
        desk: Desk, service: Service, built: Built, status_code: int = 200
    ) -> Response:
        return desk.render(
            "surveys/survey_new.html",
            status_code=status_code,
            service=service,
            typed=built.typed,
            count=built.count,
            errors=built.errors,
            languages_written=[(lang, LANGUAGE_NAMES[lang]) for lang in LANGUAGES],
            kinds=kind_names(desk),
            reminders=[(value, desk.t(label)) for value, label in REMINDERS],
            now=NOW,
            later=LATER,
            never=NEVER,
            max_questions=MAX_QUESTIONS,
            max_title=MAX_TITLE,
            max_text=MAX_TEXT,
            max_choices=MAX_CHOICES,
        )

    @router.get("/services/{service_id}/surveys/new")
    async def builder(service_id: int, desk: Desk = workspace.signed_in) -> Response:
        """An empty survey of the service: one question, invitations now, no reminder."""
        return await render_builder(desk, await service_in_scope(desk, service_id), blank())

    @router.post("/services/{service_id}/surveys/new")
    async def save(service_id: int, desk: Desk = workspace.signed_in) -> Response:
        """Another question block (nothing checked yet), or the survey checked field by field
        and saved, scheduled as asked; its page opens."""
        service = await service_in_scope(desk, service_id)
        built = read_form(desk)
        if desk.field("action") == "add":
            if built.count < MAX_QUESTIONS:
                more = blank(built.count + 1)
                more.typed.update(built.typed)
                built = more
            return await render_builder(desk, service, built)
        check_form(desk, built)
        if built.draft is None:
            return await render_builder(desk, service, built, 422)
        try:
            survey = await create_survey(
                desk.session, desk.person, service.id, built.draft, built.send_at, built.remind_at
            )
        except SurveyError as error:
            refused = "remind_at" if built.typed["remind"] == LATER else "remind"
            if error.reason != "reminder_order":
                raise
            built.errors[refused] = desk.t(N_("The reminder must come after the invitations."))
            return await render_builder(desk, service, built, 422)
        notice = desk.t(
            N_("Survey #{id} is saved. Invitations go at {time} (Bishkek time)."),
            id=survey.id,
            time=format_time(survey.send_at, settings.timezone, desk.language),
        )
        return desk.redirect(f"/staff/surveys/{survey.id}", notice)

    @router.get("/surveys/{survey_id}")
    async def survey_page(survey_id: int, desk: Desk = workspace.signed_in) -> Response:
        """A survey: its status and times, and per question the bot's anonymous figures."""
        survey, service = await survey_in_scope(desk, survey_id)
        figures = await results(desk.session, survey.id, settings.report_min_group)
        zone, language = settings.timezone, desk.language
        report_query = urlencode({"kind": "surveys", "service": service.id})
        return desk.render(
            "surveys/survey.html",
            survey=survey,
            service=service,
            figures=figures,
            title=text_for(survey.titles, language),
            status=desk.t(STATUS_NAMES[survey.status]),
            status_style=_STYLES[survey.status],
            written_in=", ".join(
                LANGUAGE_NAMES[lang] for lang in LANGUAGES if lang in survey.titles
            ),
            rows=lambda figure: _rows(desk, figure),
            text_of=lambda texts: text_for(texts, language),
            too_few=desk.t(TOO_FEW),
            average=lambda figure: (
                "—" if figure.average is None else format_fixed(figure.average, language)
            ),
            when=lambda moment: format_time(moment, zone, language),
            report_query=report_query,
            has_figures=survey.status != SurveyStatus.draft,
        )

    return router


_STYLES = {
    SurveyStatus.draft: "new",
    SurveyStatus.scheduled: "new",
    SurveyStatus.sent: "in_progress",
    SurveyStatus.closed: "resolved",
}


def _rows(desk: Desk, figure: Any) -> list[tuple[str, int]]:
    """A question's answers as (label, how many), in the order the bot shows them."""
    if figure.kind == QuestionKind.rating:
        return [(f"{value} ★", figure.counts.get(value, 0)) for value in RATINGS]
    if figure.kind == QuestionKind.yes_no:
        return [
            (desk.t(N_("Yes")), figure.counts.get("yes", 0)),
            (desk.t(N_("No")), figure.counts.get("no", 0)),
        ]
    if figure.kind == QuestionKind.choice:
        options = choices_of(SurveyQuestion(choices=figure.choices), desk.language)
        return [(option, figure.counts.get(str(i), 0)) for i, option in enumerate(options)]
    return []
