"""The words of reports — titles, headers, status and question-kind names — in the reader's
language, shared by charts, spreadsheets and summaries so that all three say the same."""

from __future__ import annotations

from bot.formats import format_fixed
from bot.i18n import N_, NP_, Translator
from handlers.needs.needs import STATUS_NAMES
from handlers.reports.kinds import ReportKind
from handlers.surveys.results import TOO_FEW
from models import NeedStatus, QuestionKind, TenderStatus

TITLES = {
    ReportKind.needs: N_("Needs by category and status"),
    ReportKind.surveys: N_("Survey results"),
    ReportKind.tenders: N_("Tenders and their outcomes"),
}

# the colour of each need status, the same in the staff chart (PNG) and the public one (SVG)
NEED_COLORS = {
    NeedStatus.new: "#9e9e9e",
    NeedStatus.received: "#42a5f5",
    NeedStatus.in_progress: "#ffb300",
    NeedStatus.resolved: "#43a047",
    NeedStatus.rejected: "#e53935",
}

# msgctxt "tender": the word agrees with "tender" (shared with the tender flows)
TENDER_STATUS_NAMES = {
    TenderStatus.draft: NP_("tender", "draft"),
    TenderStatus.active: NP_("tender", "open"),
    TenderStatus.awarded: NP_("tender", "awarded"),
    TenderStatus.cancelled: NP_("tender", "cancelled"),
}

KIND_NAMES = {
    QuestionKind.rating: N_("rating from 1 to 5"),
    QuestionKind.yes_no: N_("yes or no"),
    QuestionKind.choice: N_("one of several answers"),
    QuestionKind.text: N_("free text"),
}

# column headers and sheet names
CATEGORY = N_("Category")
SECTOR = N_("Sector")
TOTAL = N_("Total")
SUPPORTS = N_("Supports")
PERIOD = N_("Period")
NEEDS_REPORTED = N_("Needs reported")
TENDERS = N_("Tenders")
BUDGET = N_("Budget, som")
AWARDED_AMOUNT = N_("Awarded amount, som")
SURVEY = N_("Survey")
QUESTION = N_("Question")
QUESTION_KIND = N_("Kind of question")
ANSWERS = N_("Answers")
ANSWER = N_("Answer")
COUNT = N_("Count")
SHARE = N_("Share, %")
MEAN = N_("Average rating")
INVITED = N_("Invited")
COMPLETED = N_("Completed the survey")
RESPONSE_RATE = N_("Response rate, %")
TEXT_ANSWERS = N_("Written answers (anonymous)")
MUNICIPALITY = N_("Municipality")
SERVICE = N_("Service")
REPORT = N_("Report")
MADE_AT = N_("Made at (Bishkek time)")
ABOUT = N_("About this report")
BY_DATE = N_("By date")
ALL_MUNICIPALITIES = N_("All municipalities")
NO_DATA = N_("No data for this period.")
SUPPORTS_BY_GROUP = N_("Supports by group")
SUPPORTS_BY_MUNICIPALITY = N_("Supports by municipality and group")
ANSWERS_BY_GROUP = N_("Answers by group")
AVERAGE_BY_GROUP = N_("Average by group")
# a figure of too few people to show (REPORT_MIN_GROUP), in a table by group
TOO_FEW_CELL = N_("too few")

# chart axes and legends
NUMBER_OF_NEEDS = N_("Number of needs")
NEEDS_OVER_TIME = N_("Needs reported over time")
NUMBER_OF_TENDERS = N_("Number of tenders")
TENDERS_BY_SECTOR = N_("Tenders by sector and status")
MONEY_BY_SECTOR = N_("Budget and awarded amounts by sector, som")
BUDGET_BAR = N_("Budget")
AWARDED_BAR = N_("Contract amounts")
NUMBER_OF_ANSWERS = N_("Number of answers")


def capital(text: str) -> str:
    """`text` with a capital first letter, for a header (status names are written lowercase)."""
    return text[:1].upper() + text[1:]


def need_status(tr: Translator, status: NeedStatus) -> str:
    """A need status as a header: “In progress”."""
    return capital(tr.t(STATUS_NAMES[status]))


def tender_status(tr: Translator, status: TenderStatus) -> str:
    """A tender status as a header: “Awarded”."""
    return capital(tr.tp("tender", TENDER_STATUS_NAMES[status]))


def question_kind(tr: Translator, kind: QuestionKind) -> str:
    """What kind of answer a survey question takes."""
    return tr.t(KIND_NAMES[kind])


def supports_count(tr: Translator, n: int) -> str:
    """“12 supports”, with the language's plural."""
    return tr.tn("{n} support", "{n} supports", n)


def text_answers_count(tr: Translator, n: int) -> str:
    """“3 written answers”, with the language's plural."""
    return tr.tn("{n} written answer", "{n} written answers", n)


def mean_rating(tr: Translator, mean: float) -> str:
    """“average 4.2 of 5”."""
    return tr.t(N_("average {mean} of 5"), mean=format_fixed(mean, tr.language))


def withheld(tr: Translator, answers: int) -> str:
    """“3 answers: too few answers to show without identifying people”."""
    return tr.tn("{n} answer", "{n} answers", answers) + ": " + tr.t(TOO_FEW)
