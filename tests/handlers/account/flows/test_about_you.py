"""The optional questions about oneself: offered once after the first need or support, each
skippable, changed and deleted in Settings, not asked when staff turned them off."""

from __future__ import annotations

import pytest

from handlers.account.flows.about_you import INVITE
from models import GroupAnswers
from tests.conftest import clear, make_app
from tests.factories import Chat, create_need, create_resident, onboard, t


async def stored(app, chat: Chat) -> GroupAnswers | None:
    person = await chat.person()
    async with app.sessions() as session:
        return await session.get(GroupAnswers, person.id)


async def report_need(chat: Chat, text: str = "The well has dried up") -> None:
    await chat.choose("Report a need")
    await chat.choose("Water supply")
    await chat.say(text)
    await chat.say("0")  # no photo
    await chat.say("0")  # no place
    await chat.choose("Yes")


async def test_not_now_is_one_answer_and_is_not_asked_again(app, chat) -> None:
    person = chat("shy")
    await onboard(person)
    assert INVITE not in person.screen  # onboarding asks nothing more
    await report_need(person)
    assert "Its number is N-" in person.screen and INVITE in person.screen
    await person.choose("Not now")
    assert "If you change your mind, the questions are in Settings." in person.screen
    assert "Main menu" in person.screen
    row = await stored(app, person)
    assert row is not None and row.agreed_at is None and row.age_band is None
    await report_need(person, "The second need")
    assert INVITE not in person.screen and "Main menu" in person.screen


async def test_each_question_skipped_or_answered_then_changed_and_deleted(app, chat) -> None:
    person = chat("open")
    await onboard(person)
    neighbour = await create_resident(app, "neighbour")
    need = await create_need(app, neighbour, description="Benches for the park")
    await person.choose("Priorities of my community")
    await person.say(need.reference)
    await person.choose("Yes")  # supports it: the questions follow
    assert INVITE in person.screen
    await person.choose("Yes")
    assert "How old are you?" in person.screen and "0. Skip" in person.screen
    await person.say("0")  # age skipped
    assert "What is your gender?" in person.screen
    await person.choose("Prefer not to say")
    assert "Do you, or someone you care for, live with a disability?" in person.screen
    await person.choose("Yes, someone I care for")
    assert "You can change or delete these answers at any time in Settings." in person.screen
    row = await stored(app, person)
    assert (row.age_band, row.gender, row.disability) == (None, "unsaid", "carer")
    assert row.agreed_at is not None

    await person.choose("Settings")
    await person.choose("About me")
    assert "Age: not answered" in person.screen
    assert "Gender: Prefer not to say" in person.screen
    assert "Disability: Yes, someone I care for" in person.screen
    await person.choose("Change my answers")
    await person.choose("45–59")
    await person.say("skip")  # the word works as well as 0
    await person.choose("No")
    row = await stored(app, person)
    assert (row.age_band, row.gender, row.disability) == ("45_59", None, "none")

    await person.choose("Settings")
    await person.choose("About me")
    await person.choose("Delete my answers")
    assert "Your answers about yourself are deleted." in person.screen
    row = await stored(app, person)
    assert row.agreed_at is None and (row.age_band, row.gender, row.disability) == (None,) * 3
    assert (await person.person()) is not None  # only those answers went

    await person.choose("Settings")
    await person.choose("About me")  # asked again only when they come for it
    assert INVITE in person.screen


@pytest.mark.parametrize("language", ["ky", "ru", "uz"])
async def test_the_questions_in_each_language(app, chat, language: str) -> None:
    person = chat(f"speaker-{language}")
    await onboard(person, language)
    need = await create_need(app, await create_resident(app, f"n-{language}"))
    await person.choose(t(language, "Priorities of my community"))
    await person.say(need.reference)
    await person.choose(t(language, "Yes"))
    assert t(language, INVITE) in person.screen
    await person.choose(t(language, "Yes"))
    await person.choose(t(language, "Under 18"))
    await person.choose(t(language, "Woman"))
    await person.choose(t(language, "Yes, I do"))
    row = await stored(app, person)
    assert (row.age_band, row.gender, row.disability) == ("under_18", "woman", "self")


async def test_turned_off_they_are_not_asked_but_answers_can_still_be_deleted(database) -> None:
    await clear(database)
    before = make_app(database)
    person = Chat(before, "earlier")
    await onboard(person)
    await report_need(person)
    await person.choose("Yes")
    for answer in ("30–44", "Woman", "No"):
        await person.choose(answer)

    app = make_app(database, demographic_questions=False)
    later = Chat(app, "newcomer")
    await onboard(later)
    await report_need(later)
    assert INVITE not in later.screen and "Main menu" in later.screen
    assert await stored(app, later) is None
    await later.choose("Settings")
    assert "About me" not in later.screen

    person = Chat(app, "earlier")
    await person.say("menu")
    await person.choose("Settings")
    await person.choose("About me")  # their answers stay theirs to delete
    assert "Change my answers" not in person.screen
    await person.choose("Delete my answers")
    assert (await stored(app, person)).agreed_at is None
