"""Staff in the bot: register a service under an awarded tender, enrol phones, define a survey
(with a translation), schedule it with a reminder, read the results; only their municipality."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.runtime import Runtime
from models import QuestionKind, Service, Survey, SurveyQuestion, SurveyStatus
from models.base import utcnow
from tests.factories import ELSEWHERE, create_staff
from tests.handlers.surveys.test_services import (
    create_awarded_tender,
    create_beneficiary,
    create_delivered_service,
    create_feedback_survey,
)


async def test_staff_register_a_service_enrol_phones_and_define_a_survey(app) -> None:
    home = await create_awarded_tender(app, title="Home care for the elderly")
    await create_awarded_tender(app, ELSEWHERE, title="Care in Pokrovka")
    staff = await create_staff(app, "officer")
    await staff.choose("Services and surveys (staff)")
    await staff.choose("Register a new service")
    assert "Care in Pokrovka" not in staff.screen  # another municipality's tender
    await staff.choose(f"{home.reference} · Home care for the elderly")
    await staff.say("Home visits")
    async with app.sessions() as session:
        service = await session.scalar(select(Service))
    assert f"Service #{service.id} is registered. Its join code is {service.join_code}." in (
        staff.screen
    )
    assert "NGO: Umut" in staff.screen and "Beneficiaries: 0." in staff.screen

    await staff.choose("Add beneficiaries (phone numbers)")
    await staff.say(
        "0555 100 200\nnot a phone\n+996700123456;ru\n0555100200\n0555 100 201;kg\n"
        "0555 100 202,ru,Aida"
    )
    assert "Added: 2. Already enrolled: 0. Repeated in the list: 1." in staff.screen
    assert "Not a phone number (line: text): 2: not a phone" in staff.screen
    assert (
        "Not enrolled (line: reason): 5: the language is not ky, ru, uz or en; "
        "6: more than a number and a language"
    ) in staff.screen
    assert "Beneficiaries: 2." in staff.screen

    await staff.choose("New survey")
    await staff.say("Home visits")
    await staff.choose("Rating from 1 to 5")
    await staff.say("How good were the visits?")
    await staff.choose("Add a question")
    await staff.choose("One choice from a list")
    await staff.say("What helped most?")
    await staff.say("Meals; Cleaning; Company")
    assert "The survey has 2 questions. Add another one?" in staff.screen
    await staff.choose("That's all")
    await staff.choose("Русский")
    assert "In Russian, the title: “Home visits”" in staff.screen  # no endonym in a sentence
    await staff.say("Посещения на дому")
    await staff.say("Как прошли посещения?")
    await staff.say("Что помогло больше всего?")
    await staff.say("Еда; Уборка")  # one option missing
    assert "Write all 3 options" in staff.screen
    await staff.say("Еда; Уборка; Общение")
    await staff.choose("That's all, continue")
    await staff.choose("At a set time")
    await staff.say("01.06.2099 09:30")  # day first, as people here write it
    await staff.choose("After 3 days")
    assert "Invitations: 01/06/2099, 09:30" in staff.screen  # as an English reader writes it
    assert "Reminder: 04/06/2099, 09:30" in staff.screen
    await staff.choose("Yes")
    assert "Invitations go at 01/06/2099, 09:30 (Bishkek time)." in staff.screen

    async with app.sessions() as session:
        survey = await session.scalar(select(Survey))
        questions = (
            await session.scalars(select(SurveyQuestion).order_by(SurveyQuestion.position))
        ).all()
    assert survey.titles == {"en": "Home visits", "ru": "Посещения на дому"}
    assert survey.status == SurveyStatus.scheduled
    assert survey.send_at.isoformat() == "2099-06-01T03:30:00+00:00"
    assert survey.remind_at - survey.send_at == timedelta(days=3)
    assert [q.kind for q in questions] == [QuestionKind.rating, QuestionKind.choice]
    assert questions[1].texts == {"en": "What helped most?", "ru": "Что помогло больше всего?"}
    assert questions[1].choices == {
        "en": ["Meals", "Cleaning", "Company"],
        "ru": ["Еда", "Уборка", "Общение"],
    }


async def test_staff_read_the_results_of_their_services_only(app, chat) -> None:
    service = await create_delivered_service(app, title="Home care")
    await create_delivered_service(app, ELSEWHERE, title="Far away care")
    await create_beneficiary(app, service, "answerer")
    await create_feedback_survey(app, service, send_at=utcnow() - timedelta(seconds=1))
    await Runtime(app).tick()
    answerer = chat("answerer")
    for answer in ("5", "no", "2", "skip"):
        await answerer.say(answer)
    assert "Thank you! Your answers are saved." in answerer.screen

    staff = await create_staff(app, "officer")
    await staff.choose("Services and surveys (staff)")
    assert "Far away care" not in staff.screen
    await staff.choose(f"#{service.id} · Home care")
    await staff.choose("Survey results")
    assert "“Home care”: 1 of 1 finished." in staff.screen
    assert "average 5.0 · 1★0 2★0 3★0 4★0 5★1" in staff.screen
    assert "Yes 0 · No 1" in staff.screen
    assert "Meals 0 · Cleaning 1 · Company 0" in staff.screen
    assert "0 comments" in staff.screen
    await staff.choose("Done")
    assert "Main menu" in staff.screen


async def test_going_back_in_the_survey_builder_edits_a_question_instead_of_adding_one(app) -> None:
    service = await create_delivered_service(app, title="Home care")
    staff = await create_staff(app, "builder")
    await staff.choose("Services and surveys (staff)")
    await staff.choose(f"#{service.id} · Home care")
    await staff.choose("New survey")
    await staff.say("Visits")
    await staff.choose("Yes or no")
    await staff.say("Did they come?")
    await staff.choose("Add a question")
    await staff.choose("Free text")
    await staff.say("Anything else?")
    assert "The survey has 2 questions. Add another one?" in staff.screen
    await staff.say("back")  # to the second question's text
    await staff.say("What else would help?")
    assert "The survey has 2 questions. Add another one?" in staff.screen  # not 3
    for _ in range(3):  # the second question's text and kind, then across the first's end
        await staff.say("back")
    assert "The survey has 1 question. Add another one?" in staff.screen
    await staff.say("back")
    assert "Write the question." in staff.screen  # the first question's text
    await staff.say("Did they come on time?")
    assert "The survey has 1 question. Add another one?" in staff.screen
    await staff.choose("Add a question")  # the second question was dropped with the back steps
    await staff.choose("Free text")
    await staff.say("What else would help?")
    await staff.choose("That's all")
    await staff.choose("That's all, continue")
    await staff.choose("Now")
    await staff.choose("No reminder")
    await staff.choose("Yes")
    async with app.sessions() as session:
        questions = (
            await session.scalars(select(SurveyQuestion).order_by(SurveyQuestion.position))
        ).all()
    assert [q.texts["en"] for q in questions] == ["Did they come on time?", "What else would help?"]
