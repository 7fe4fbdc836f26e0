"""The services section of a municipality's public page: the services NGOs delivered there and
what the people they reached said, from the surveys' one anonymous count (`results`). A
question fewer than REPORT_MIN_GROUP answered shows only how many answered; written answers are
never shown in public (a sentence can name its writer), only how many there are."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.formats import format_fixed
from bot.i18n import N_, text_for
from bot.web.public.pages import PublicPages, Section
from bot.web.public.visit import Visit
from handlers.surveys.results import TOO_FEW, SurveyResults, results
from handlers.surveys.services import beneficiary_count, organization_name
from handlers.surveys.surveys import RATINGS
from models import Municipality, QuestionKind, Service, Survey, SurveyStatus

TEMPLATES = Path(__file__).resolve().parent / "templates" / "public"
SERVICES = 10  # newest services shown


def _question(visit: Visit, question: Any) -> dict[str, Any]:
    lang = visit.language
    shown: dict[str, Any] = {
        "text": text_for(question.texts, lang) if question.texts else "",
        "answered": question.answered,
        "withheld": question.withheld,
        "too_few": visit.t(TOO_FEW),
        "kind": question.kind.value,
        "options": [],
        "average": None,
    }
    if question.withheld:
        return shown
    if question.kind == QuestionKind.rating:
        shown["options"] = [(value, question.counts.get(value, 0)) for value in RATINGS]
        if question.average is not None:
            shown["average"] = format_fixed(question.average, lang)
    elif question.kind == QuestionKind.yes_no:
        shown["options"] = [
            (visit.t(N_("Yes")), question.counts.get("yes", 0)),
            (visit.t(N_("No")), question.counts.get("no", 0)),
        ]
    elif question.kind == QuestionKind.choice:
        choices = text_for(question.choices, lang) if question.choices else []
        shown["options"] = [
            (label, question.counts.get(str(index), 0)) for index, label in enumerate(choices)
        ]
    return shown


async def _services(visit: Visit, unit: Municipality) -> dict[str, Any] | None:
    session = visit.session
    min_group = visit.site.settings.report_min_group
    services = (
        await session.scalars(
            select(Service)
            .where(Service.municipality_id == unit.id)
            .order_by(Service.created_at.desc(), Service.id.desc())
            .limit(SERVICES)
        )
    ).all()
    if not services:
        return None
    shown = []
    for service in services:
        surveys = (
            await session.scalars(
                select(Survey.id)
                .where(
                    Survey.service_id == service.id,
                    Survey.status.in_((SurveyStatus.sent, SurveyStatus.closed)),
                )
                .order_by(Survey.id)
            )
        ).all()
        figures: list[SurveyResults] = [await results(session, s, min_group) for s in surveys]
        shown.append(
            {
                "title": service.title,
                "ngo": await organization_name(session, service),
                "reached": await beneficiary_count(session, service.id),
                "surveys": [
                    {
                        "title": text_for(f.titles, visit.language) if f.titles else "",
                        "invited": f.invited,
                        "completed": f.completed,
                        "questions": [_question(visit, q) for q in f.questions],
                    }
                    for f in figures
                ],
            }
        )
    return {"services": shown}


PUBLIC = PublicPages(
    "surveys",
    templates=TEMPLATES,
    sections=(Section("municipality", 40, "surveys/services.html", _services),),
)
