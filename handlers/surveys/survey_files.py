"""Surveys from a file: a small JSON or YAML document with the texts in the four languages
(docs/surveys.md describes it).

    title: {ky: …, ru: …, uz: …, en: …}
    send_at: "2026-12-01 10:00"        # optional, local time (TIMEZONE)
    remind_at: "2026-12-04 10:00"      # optional; or remind_after_days: 3
    questions:
      - kind: rating                   # rating, yes_no, choice or text
        text: {ky: …, ru: …, uz: …, en: …}
      - kind: choice
        text: {…}
        choices: {ky: [a, b, c], ru: […], uz: […], en: […]}
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bot import times
from bot.settings import LANGUAGES
from bot.text import clean_text
from handlers.surveys.surveys import QuestionDraft, SurveyDraft, SurveyError, check_draft
from models import QuestionKind


class SurveyFileError(ValueError):
    """The file cannot be read as a survey; the message says where and why."""


@dataclass
class SurveyFile:
    """A survey read from a file, and its times if the file gives them."""

    draft: SurveyDraft
    send_at: datetime | None = None
    remind_at: datetime | None = None
    remind_after_days: int | None = None

    def missing_languages(self) -> list[str]:
        """“question 2: uz” for every text not written in all four languages."""
        gaps = []
        texts = [("title", self.draft.titles)]
        for number, question in enumerate(self.draft.questions, 1):
            texts.append((f"question {number}", question.texts))
            if question.choices is not None:
                texts.append((f"question {number} choices", question.choices))
        for where, written in texts:
            missing = [lang for lang in LANGUAGES if not written.get(lang)]
            if missing:
                gaps.append(f"{where}: {', '.join(missing)}")
        return gaps


def parse_local(text: str, zone: str) -> datetime:
    """'YYYY-MM-DD HH:MM' (or 'DD.MM.YYYY HH:MM') in `zone`, as an aware datetime."""
    try:
        return times.parse_local(str(text), zone)
    except ValueError:
        raise SurveyFileError(
            f"{text!r}: write times like 2026-12-01 10:00 or 01.12.2026 10:00"
        ) from None


def _texts(value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise SurveyFileError(f"{where}: give the text per language, e.g. {{en: …, ru: …}}")
    return {str(lang): clean_text(text) for lang, text in value.items()}


def _choices(value: Any, where: str) -> dict[str, list[str]]:
    if not isinstance(value, dict) or not all(isinstance(v, list) for v in value.values()):
        raise SurveyFileError(f"{where}: give a list of options per language")
    return {
        str(lang): [clean_text(str(option)) for option in options]
        for lang, options in value.items()
    }


def parse_survey(data: Any, zone: str) -> SurveyFile:
    """A survey from the parsed document; SurveyFileError says what is wrong and where."""
    if not isinstance(data, dict):
        raise SurveyFileError("the file must hold a mapping with title and questions")
    questions = data.get("questions")
    if not isinstance(questions, list):
        raise SurveyFileError("questions: give a list of questions")
    drafts = []
    for number, item in enumerate(questions, 1):
        where = f"questions[{number}]"
        if not isinstance(item, dict):
            raise SurveyFileError(f"{where}: give kind and text")
        try:
            kind = QuestionKind(item.get("kind"))
        except ValueError:
            kinds = ", ".join(k.value for k in QuestionKind)
            raise SurveyFileError(f"{where}.kind: one of {kinds}") from None
        choices = None
        if kind == QuestionKind.choice:
            choices = _choices(item.get("choices"), f"{where}.choices")
        drafts.append(QuestionDraft(kind, _texts(item.get("text"), f"{where}.text"), choices))
    try:
        draft = check_draft(SurveyDraft(_texts(data.get("title"), "title"), drafts))
    except SurveyError as error:
        raise SurveyFileError(str(error)) from None
    found = SurveyFile(draft)
    if data.get("send_at"):
        found.send_at = parse_local(data["send_at"], zone)
    if data.get("remind_at"):
        found.remind_at = parse_local(data["remind_at"], zone)
    if data.get("remind_after_days") is not None:
        days = data["remind_after_days"]
        if not isinstance(days, int) or isinstance(days, bool) or not 1 <= days <= 60:
            raise SurveyFileError("remind_after_days: a whole number of days from 1 to 60")
        found.remind_after_days = days
    return found


def reminder_time(survey: SurveyFile, send_at: datetime) -> datetime | None:
    """When the reminder goes: the file's time, or so many days after the invitations."""
    if survey.remind_at is not None:
        return survey.remind_at
    if survey.remind_after_days is not None:
        return send_at + timedelta(days=survey.remind_after_days)
    return None


def load_survey_file(path: Path, zone: str) -> SurveyFile:
    """Read a .json, .yaml or .yml survey file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SurveyFileError(f"{path}: {error.strerror}") from None
    if path.suffix.lower() in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as error:
            raise SurveyFileError(f"{path}: not valid YAML ({error})") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise SurveyFileError(f"{path}: not valid JSON ({error})") from None
    return parse_survey(data, zone)
