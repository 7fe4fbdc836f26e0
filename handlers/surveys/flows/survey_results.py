"""Survey results as staff read them in the chat: per question, counts and the average rating,
never who answered what. (Charts and spreadsheets come from the reports.)"""

from __future__ import annotations

from bot.formats import format_fixed, format_time
from bot.i18n import N_, Translator, text_for
from handlers.surveys.results import TOO_FEW, SurveyResults
from handlers.surveys.surveys import RATINGS, choices_of
from models import QuestionKind, Survey, SurveyQuestion, SurveyStatus

STATUS_NAMES = {
    SurveyStatus.draft: N_("draft"),
    SurveyStatus.scheduled: N_("scheduled"),
    SurveyStatus.sent: N_("sent"),
    SurveyStatus.closed: N_("closed"),
}
COMMENTS_SHOWN = 5


def survey_line(tr: Translator, survey: Survey, zone: str) -> str:
    """“#3 · Water delivery · sent 2026-12-01 10:00”."""
    title = text_for(survey.titles, tr.language)
    status = tr.t(STATUS_NAMES[survey.status])
    when = survey.invited_at or survey.send_at
    return f"#{survey.id} · {title} · {status} {format_time(when, zone, tr.language)}"


def describe_results(tr: Translator, results: SurveyResults, compact: bool = False) -> str:
    """The figures of one survey, one block per question."""
    lines = [
        tr.t(
            N_("Survey #{id} “{title}”: {completed} of {invited} finished."),
            id=results.survey_id,
            title=text_for(results.titles, tr.language),
            completed=results.completed,
            invited=results.invited,
        )
    ]
    for figure in results.questions:
        lines.append(f"{figure.position}. {text_for(figure.texts, tr.language)}")
        if figure.withheld:  # how many answered, never what
            lines.append(tr.tn("{n} answer", "{n} answers", figure.answered) + ": " + tr.t(TOO_FEW))
        elif figure.kind == QuestionKind.rating:
            counts = " ".join(f"{value}★{figure.counts.get(value, 0)}" for value in RATINGS)
            average = "—" if figure.average is None else format_fixed(figure.average, tr.language)
            lines.append(tr.t(N_("average {average}"), average=average) + f" · {counts}")
        elif figure.kind == QuestionKind.yes_no:
            lines.append(
                f"{tr.t(N_('Yes'))} {figure.counts.get('yes', 0)} · {tr.t(N_('No'))} "
                f"{figure.counts.get('no', 0)}"
            )
        elif figure.kind == QuestionKind.choice:
            question = SurveyQuestion(choices=figure.choices)
            options = choices_of(question, tr.language)
            lines.append(
                " · ".join(f"{o} {figure.counts.get(str(i), 0)}" for i, o in enumerate(options))
            )
        else:
            lines.append(
                tr.tn("{n} comment", "{n} comments", len(figure.comments))
                + "".join(
                    f"\n– {c[:80]}" for c in figure.comments[: 0 if compact else COMMENTS_SHOWN]
                )
            )
    return "\n".join(lines)
