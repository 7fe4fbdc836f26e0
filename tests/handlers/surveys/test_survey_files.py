"""Surveys from a file: the documented example reads as it says, errors name their place, and the
`kenesh services` / `kenesh surveys` commands run end to end."""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from handlers.surveys.survey_files import SurveyFileError, load_survey_file, parse_survey
from models import Organization, OrganizationStatus, Survey, SurveyQuestion, Tender, TenderStatus
from models.base import utcnow
from models.db import create_engine, create_sessionmaker
from tests.processes import kenesh

DOC = Path(__file__).resolve().parents[3] / "docs" / "surveys.md"
ZONE = "Asia/Bishkek"


def documented_example() -> str:
    return re.search(r"```yaml\n(.*?)```", DOC.read_text(encoding="utf-8"), re.DOTALL).group(1)


def test_the_documented_example_has_four_questions_in_four_languages(tmp_path) -> None:
    path = tmp_path / "survey.yaml"
    path.write_text(documented_example(), encoding="utf-8")
    found = load_survey_file(path, ZONE)
    assert [q.kind for q in found.draft.questions] == ["rating", "yes_no", "choice", "text"]
    assert found.missing_languages() == []
    assert found.send_at.isoformat() == "2026-12-01T10:00:00+06:00"
    assert found.remind_after_days == 3
    assert found.draft.questions[2].choices["ru"] == ["Питание", "Уборка", "Общение"]

    as_json = tmp_path / "survey.json"  # the same document as JSON
    import yaml

    as_json.write_text(json.dumps(yaml.safe_load(documented_example())), encoding="utf-8")
    assert load_survey_file(as_json, ZONE).draft == found.draft


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "a mapping"),
        ({"title": {"en": "T"}}, "questions: give a list"),
        ({"title": {"en": "T"}, "questions": [{"kind": "stars"}]}, "questions[1].kind"),
        ({"title": "T", "questions": [{"kind": "text", "text": {"en": "Q"}}]}, "title:"),
        (
            {"title": {"en": "T"}, "questions": [{"kind": "choice", "text": {"en": "Q"}}]},
            "questions[1].choices",
        ),
        (
            {
                "title": {"en": "T"},
                "questions": [{"kind": "text", "text": {"en": "Q"}}],
                "send_at": "tomorrow",
            },
            "write times like",
        ),
    ],
)
def test_a_bad_file_is_refused_with_the_place_of_the_error(document, message: str) -> None:
    with pytest.raises(SurveyFileError, match=re.escape(message)):
        parse_survey(document, ZONE)


async def awarded_tender(url: str) -> int:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session, session.begin():
            ngo = Organization(
                name="Umut",
                inn="10000000000099",
                contact_name="Aida",
                contact_phone="+996555000111",
                status=OrganizationStatus.approved,
            )
            session.add(ngo)
            await session.flush()
            tender = Tender(
                municipality_id=1,
                category_id=1,
                title="Home care",
                description="Visits",
                budget=1000,
                deadline=utcnow(),
                how_to_apply="At the office",
                status=TenderStatus.awarded,
                awarded_organization_id=ngo.id,
            )
            session.add(tender)
            await session.flush()
            return tender.id
    finally:
        await engine.dispose()


async def stored(url: str) -> tuple[Survey, list[SurveyQuestion]]:
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            survey = await session.scalar(select(Survey))
            questions = (await session.scalars(select(SurveyQuestion))).all()
            return survey, list(questions)
    finally:
        await engine.dispose()


def test_services_and_surveys_from_the_command_line(cli_env, tmp_path) -> None:
    assert kenesh(cli_env, "db", "upgrade").returncode == 0
    assert kenesh(cli_env, "seed").returncode == 0
    tender_id = asyncio.run(awarded_tender(cli_env["DATABASE_URL"]))
    created = kenesh(cli_env, "services", "create", str(tender_id), "Home care")
    assert created.returncode == 0, created.stderr
    assert re.fullmatch(r"service 1: join code [A-Z2-9]{6}\n", created.stdout)

    phones = tmp_path / "phones.csv"
    phones.write_text("phone,language\n0555 123 456,ky\nnope\n0555123456\n", encoding="utf-8")
    enrolled = kenesh(cli_env, "services", "enrol", "1", str(phones))
    assert enrolled.stdout == "added: 1, already enrolled: 0, repeated: 1, bad: 1\n"
    assert "line 3: not a phone number: nope" in enrolled.stderr

    survey = tmp_path / "survey.yaml"
    text = documented_example().replace("  uz: Uyda parvarish xizmati\n", "")
    survey.write_text(text.replace('send_at: "2026-12-01 10:00"', 'send_at: "2020-01-01 10:00"'))
    no_time = kenesh(cli_env, "surveys", "import", str(survey), "1")
    assert no_time.returncode == 2 and "the time of the invitations has passed" in no_time.stderr
    imported = kenesh(
        cli_env, "surveys", "import", str(survey), "1", "--at", "2099-01-10 09:00",
        "--remind-after-days", "2",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert imported.stdout == (
        "survey 1: 4 questions; invitations at 2099-01-10 09:00, "
        "reminder 2099-01-12 09:00 (Asia/Bishkek)\n"
    )
    assert "warning: not translated (title: uz)" in imported.stderr
    saved, questions = asyncio.run(stored(cli_env["DATABASE_URL"]))
    assert saved.send_at.isoformat() == "2099-01-10T03:00:00+00:00" and len(questions) == 4

    shown = kenesh(cli_env, "surveys", "results", "1")
    figures = json.loads(shown.stdout)
    assert (figures["invited"], figures["completed"], len(figures["questions"])) == (0, 0, 4)
    assert kenesh(cli_env, "surveys", "results", "9").returncode == 2
    closed = kenesh(cli_env, "surveys", "close", "1")
    assert closed.stdout == "survey 1: closed\n"
    saved, _ = asyncio.run(stored(cli_env["DATABASE_URL"]))
    assert saved.status == "closed"


def test_control_characters_in_a_survey_file_are_removed() -> None:
    document = {
        "title": {"en": "Care\x00 survey"},
        "questions": [
            {
                "kind": "choice",
                "text": {"en": "What\x1b helped?"},
                "choices": {"en": ["Me\x00als", "Tea"]},
            }
        ],
    }
    found = parse_survey(document, ZONE)
    assert found.draft.titles == {"en": "Care survey"}
    [question] = found.draft.questions
    assert (question.texts, question.choices) == ({"en": "What helped?"}, {"en": ["Meals", "Tea"]})
