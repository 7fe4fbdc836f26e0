"""The survey builder and a survey's page in the workspace: texts in several languages side by
side, every refusal next to its field with what was typed kept, the schedule, and the bot's
figures with REPORT_MIN_GROUP; another municipality's surveys refused, forms without CSRF too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from bot.formats import format_time
from bot.times import parse_local
from handlers.surveys.surveys import (
    complete,
    open_invitation,
    questions_of,
    record_answer,
    record_invitation,
)
from models import Survey, SurveyQuestion, SurveyStatus
from models.base import utcnow
from tests.factories import ELSEWHERE, create_resident, t
from tests.handlers.surveys.test_services import create_delivered_service, create_feedback_survey
from tests.workspace import browser, create_member, sign_in, workspace_app

ZONE = "Asia/Bishkek"


@pytest.fixture
async def app(database):
    return await workspace_app(database)


def _later(days: int) -> str:
    return format_time(utcnow() + timedelta(days=days), ZONE, "ru").replace(",", "")


def _form(csrf: str, **fields: str) -> dict[str, str]:
    typed = {
        "csrf": csrf,
        "questions": "2",
        "title_ky": "Үйгө баруу",
        "title_ru": "Посещения на дому",
        "q1_kind": "rating",
        "q1_text_ky": "Баруулар кандай болду?",
        "q1_text_ru": "Как прошли посещения?",
        "q2_kind": "choice",
        "q2_text_ru": "Что помогло больше всего?",
        "q2_choices_ru": "Еда\nУборка\nОбщение",
        "q2_choices_en": "Meals\nCleaning\nCompany",
        "when": "later",
        "send_at": "15.01.2099 10:00",
        "remind": "3",
        "remind_at": "",
        "action": "save",
    }
    typed.update(fields)
    return typed


async def _surveys(app) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(Survey))


async def test_the_builder_shows_every_language_side_by_side_and_adds_a_question(app) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        empty = await client.get(f"/staff/services/{service.id}/surveys/new")
        more = await client.post(
            f"/staff/services/{service.id}/surveys/new",
            data={"csrf": csrf, "questions": "1", "title_uz": "Uyga tashrif", "action": "add"},
        )
    assert empty.status_code == 200
    for language in ("ky", "ru", "uz", "en"):
        assert f'name="title_{language}"' in empty.text
        assert f'name="q1_text_{language}"' in empty.text
    assert 'name="q2_text_ky"' not in empty.text
    assert more.status_code == 200 and 'name="q2_text_ky"' in more.text
    assert 'value="Uyga tashrif"' in more.text and "errors" not in more.text.split("<main")[1]
    assert await _surveys(app) == 0


async def test_every_refusal_is_next_to_its_field_and_nothing_typed_is_lost(app) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk", language="ru")
    url = f"/staff/services/{service.id}/surveys/new"
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        wrong = await client.post(
            url,
            data=_form(
                csrf,
                title_ky="",
                title_ru="",
                q1_text_ru="Как? " * 70,
                q2_choices_en="Meals\nCleaning",  # one option fewer than in Russian
                send_at="01.01.2020 10:00",
                remind="later",
                remind_at="завтра",
            ),
        )
        unreadable = await client.post(url, data=_form(csrf, send_at="15 января"))
        early = await client.post(
            url, data=_form(csrf, remind="later", remind_at="14.01.2099 10:00")
        )
        nothing = await client.post(
            url, data=_form(csrf, q1_text_ky="", q1_text_ru="", q2_text_ru="", q2_choices_ru="",
                            q2_choices_en="")
        )  # fmt: skip
    assert wrong.status_code == 422 and await _surveys(app) == 0

    def said(page, field: str, message: str, **values) -> bool:
        return f'id="{field}-error">{t("ru", message, **values)}</span>' in page.text

    assert said(wrong, "title", "Write the title in at least one language.")
    assert said(wrong, "q1_text_ru", "At most {n} characters.", n=300)
    assert said(
        wrong,
        "q2_choices",
        "Write 2 to {n} options, one per line, the same number in every language.",
        n=9,
    )
    assert said(wrong, "send_at", "This time has passed. Write a time to come, or choose “Now”.")
    assert said(wrong, "remind_at", "Write the time like 15.01.2027 10:00 (Bishkek time).")
    assert 'value="Баруулар кандай болду?"' in wrong.text  # what was typed is kept
    assert "Meals\nCleaning</textarea>" in wrong.text and 'value="завтра"' in wrong.text
    assert said(unreadable, "send_at", "Write the time like 15.01.2027 10:00 (Bishkek time).")
    assert said(early, "remind_at", "The reminder must come after the invitations.")
    assert said(nothing, "q1_text", "Write the question in at least one language.")
    assert await _surveys(app) == 0


async def test_a_survey_is_saved_and_scheduled_as_the_bot_saves_it(app) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk", language="ru")
    async with browser(app, language="ru") as client:
        csrf = await sign_in(client, app, clerk)
        done = await client.post(
            f"/staff/services/{service.id}/surveys/new", data=_form(csrf, remind="3")
        )
        page = await client.get(done.headers["location"])
        listed = await client.get(f"/staff/services/{service.id}")
    assert done.status_code == 303
    async with app.sessions() as session:
        survey = await session.scalar(select(Survey))
        questions = await questions_of(session, survey.id)
    send_at = parse_local("15.01.2099 10:00", ZONE)
    assert survey.status == SurveyStatus.scheduled and survey.created_by_id == clerk.id
    assert survey.send_at == send_at and survey.remind_at == send_at + timedelta(days=3)
    assert survey.titles == {"ky": "Үйгө баруу", "ru": "Посещения на дому"}
    assert [q.kind for q in questions] == ["rating", "choice"]
    assert questions[1].choices == {
        "ru": ["Еда", "Уборка", "Общение"],
        "en": ["Meals", "Cleaning", "Company"],
    }
    saved = t(
        "ru",
        "Survey #{id} is saved. Invitations go at {time} (Bishkek time).",
        id=survey.id,
        time=format_time(send_at, ZONE, "ru"),
    )
    assert saved in page.text and t("ru", "scheduled") in page.text
    assert f'href="/staff/surveys/{survey.id}"' in listed.text


async def test_now_sends_at_once(app) -> None:
    service = await create_delivered_service(app)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        done = await client.post(
            f"/staff/services/{service.id}/surveys/new",
            data=_form(csrf, when="now", send_at="01.01.2020 10:00", remind="never"),
        )
    assert done.status_code == 303
    async with app.sessions() as session:
        survey = await session.scalar(select(Survey))
    assert survey.send_at <= utcnow() and survey.remind_at is None


async def test_another_municipalitys_surveys_are_refused(app) -> None:
    theirs = await create_delivered_service(app, ELSEWHERE)
    survey = await create_feedback_survey(app, theirs)
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        csrf = await sign_in(client, app, clerk)
        page = await client.get(f"/staff/surveys/{survey.id}")
        built = await client.post(f"/staff/services/{theirs.id}/surveys/new", data=_form(csrf))
        missing = await client.get("/staff/surveys/9999")
        forged = await client.post(f"/staff/services/{theirs.id}/surveys/new", data=_form("forged"))
    assert page.status_code == built.status_code == forged.status_code == 403
    assert "Home care" not in page.text
    assert missing.status_code == 404 and "There is no such survey" in missing.text
    assert await _surveys(app) == 1


async def _answer(app, survey: Survey, people: int, values: list[str], finish: bool) -> None:
    """`people` residents invited who answer the first questions with `values`."""
    for n in range(people):
        person = await create_resident(app, f"answerer-{values[0]}-{n}")
        async with app.sessions() as session, session.begin():
            await record_invitation(session, survey.id, person.id)
            questions = await questions_of(session, survey.id)
            for question, value in zip(questions, values, strict=False):
                await record_answer(session, question, person.id, value)
            if finish:
                await complete(session, await open_invitation(session, person.id, survey.id))


async def test_the_results_are_the_bots_figures_with_the_minimum_group(database) -> None:
    app = await workspace_app(database, report_min_group=5)
    service = await create_delivered_service(app)
    survey = await create_feedback_survey(app, service, send_at=utcnow() - timedelta(hours=1))
    async with app.sessions() as session, session.begin():
        (await session.get(Survey, survey.id)).status = SurveyStatus.sent
    await _answer(app, survey, 4, ["4", "yes", "1", "Kind people"], finish=True)
    await _answer(app, survey, 1, ["5"], finish=False)  # stopped after the first question
    clerk = await create_member(app, "clerk")
    async with browser(app) as client:
        await sign_in(client, app, clerk)
        page = await client.get(f"/staff/surveys/{survey.id}")
    assert page.status_code == 200
    assert '<dd id="invited">5</dd>' in page.text and '<dd id="completed">4</dd>' in page.text
    rating = page.text.split('id="question-1"', 1)[1].split("</section>", 1)[0]
    assert "5 answers · average 4.2" in rating
    assert '<th scope="row">4 ★</th><td>4</td>' in rating
    yes_no = page.text.split('id="question-2"', 1)[1].split("</section>", 1)[0]
    assert "4 answers: too few answers to show without identifying people" in yes_no
    assert "<td>" not in yes_no
    written = page.text.split('id="question-4"', 1)[1].split("</section>", 1)[0]
    assert "Kind people" not in written  # four answers: withheld as well
    assert f"/staff/reports/report.xlsx?kind=surveys&amp;service={service.id}" in page.text
    async with app.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(SurveyQuestion)) == 4
