"""The engine's promises: state survives restarts, global words work everywhere, stale buttons and
redeliveries change nothing, and one person's messages are handled one at a time."""

from __future__ import annotations

import asyncio

import pytest

from bot.channels.simulator import SIMULATOR
from bot.conversation.messages import Inbound
from tests.conftest import make_app
from tests.factories import Chat, onboard, t

REPORT_STEPS = [  # (what to send to reach the next step, a phrase of the question asked next)
    ("Report a need", "What is the need about?"),
    ("Health", "Describe the need"),
    ("The clinic has no doctor on Fridays", "If you have a photo"),
    ("/photo p1", "Where is it?"),
    ("/location 41.1 72.2", "Please check your report:"),
]


async def walk_to(person: Chat, steps: int) -> None:
    await onboard(person)
    for label, _ in REPORT_STEPS[:steps]:
        if person.key_of(label):
            await person.choose(label)
        else:
            await person.say(label)


async def test_a_restart_resumes_at_the_same_question(database, app, chat) -> None:
    person = chat("restart")
    await walk_to(person, 2)
    assert "Describe the need" in person.screen

    restarted = Chat(make_app(database), "restart")  # a new process on the same database
    assert "Describe the need" in await restarted.open()
    await restarted.say("The clinic has no doctor on Fridays")
    assert "If you have a photo" in restarted.screen
    state = await restarted.state()
    assert state.data["answers"]["description"] == "The clinic has no doctor on Fridays"
    assert state.data["answers"]["category"]  # chosen before the restart, not lost


@pytest.mark.parametrize("depth", range(len(REPORT_STEPS)))
async def test_help_at_every_step_then_the_same_question(chat, depth: int) -> None:
    person = chat(f"help-{depth}")
    await walk_to(person, depth)
    question = REPORT_STEPS[depth - 1][1] if depth else "Main menu"
    await person.say("help")
    assert "MENU — main menu" in person.screen
    assert question in person.screen


@pytest.mark.parametrize("depth", range(1, len(REPORT_STEPS)))
async def test_back_at_every_step_goes_to_the_previous_question(chat, depth: int) -> None:
    person = chat(f"back-{depth}")
    await walk_to(person, depth)
    await person.say("back")
    previous = REPORT_STEPS[depth - 2][1] if depth > 1 else "Main menu"
    assert previous in person.screen


@pytest.mark.parametrize("depth", range(1, len(REPORT_STEPS)))
@pytest.mark.parametrize("word", ["cancel", "отмена", "жокко чыгаруу", "bekor qilish", "/cancel"])
async def test_cancel_in_any_language_at_every_step(chat, depth: int, word: str) -> None:
    person = chat(f"cancel-{depth}-{word}")
    await walk_to(person, depth)
    await person.say(word)
    assert "Cancelled. Nothing was saved." in person.screen
    assert "Main menu" in person.screen


@pytest.mark.parametrize("word", ["menu", "МЕНЮ", "menyu", "/menu"])
async def test_menu_in_any_language(chat, word: str) -> None:
    person = chat(f"menu-{word}")
    await walk_to(person, 3)
    await person.say(word)
    assert "Main menu" in person.screen


@pytest.mark.parametrize("word", ["language", "язык", "тил", "til"])
async def test_language_mid_flow_returns_to_the_same_question(chat, word: str) -> None:
    person = chat(f"lang-{word}")
    await walk_to(person, 2)
    await person.say(word)
    assert "Русский" in person.screen
    await person.choose("Русский")
    assert t("ru", "Language changed to English.") in person.screen
    assert (
        t("ru", "Describe the need in a few sentences: what is missing and for whom.")
        in person.screen
    )
    await person.say("Нет врача по пятницам")
    assert t("ru", "If you have a photo, send it now. Otherwise skip this step.") in person.screen


async def test_onboarding_cannot_be_skipped_but_back_works(chat) -> None:
    person = chat("newcomer")
    await person.say("hi")
    await person.choose("English")
    await person.say("menu")
    assert "Let's finish setting up first." in person.screen
    assert "Choose your region" in person.screen
    await person.say("back")
    assert "Choose your language" in person.screen


async def test_a_stale_button_changes_nothing(app, chat) -> None:
    person = chat("stale")
    await walk_to(person, 1)  # on the category question
    before = await person.state()
    category_press = Inbound(SIMULATOR.code, "stale", choice="1", token=str(before.turn - 1))
    reply = await person.send(category_press)
    assert reply == t("en", "This button has expired. Please use the latest message.")
    after = await person.state()
    assert (after.step, after.turn, after.data) == (before.step, before.turn, before.data)


async def test_a_current_button_is_accepted_and_a_forged_option_is_not(app, chat) -> None:
    person = chat("buttons")
    await onboard(person)
    state = await person.state()
    await person.send(
        Inbound(SIMULATOR.code, "buttons", choice="staff_needs", token=str(state.turn))
    )
    assert "Please choose one of the options." in person.screen
    state = await person.state()
    await person.send(
        Inbound(SIMULATOR.code, "buttons", choice="report_need", token=str(state.turn))
    )
    assert "What is the need about?" in person.screen


async def test_a_redelivered_message_is_handled_once(app, chat) -> None:
    person = chat("dup")
    await walk_to(person, 2)
    message = Inbound(SIMULATOR.code, "dup", text="A first description", dedup_key="provider-1")
    first = await app.conversation.handle(message, SIMULATOR.capabilities)
    state = await person.state()
    again = await app.conversation.handle(message, SIMULATOR.capabilities)
    assert first and again == []
    assert (await person.state()).turn == state.turn


async def test_one_persons_messages_are_serialised_across_processes(database, app, chat) -> None:
    person = chat("busy")
    await onboard(person)
    turn = (await person.state()).turn
    processes = [make_app(database), make_app(database)]
    messages = [Inbound(SIMULATOR.code, "busy", text="help") for _ in range(12)]
    await asyncio.gather(
        *(
            processes[i % 2].conversation.handle(m, SIMULATOR.capabilities)
            for i, m in enumerate(messages)
        )
    )
    # every "help" asked the question again exactly once: no update was lost
    assert (await person.state()).turn == turn + len(messages)


async def test_a_failure_changes_nothing_and_says_sorry(app, chat, monkeypatch) -> None:
    person = chat("unlucky")
    await walk_to(person, 2)
    before = await person.state()

    async def broken(*args, **kwargs):
        raise RuntimeError("disk on fire")

    flow = app.conversation.flows["report_need"]
    monkeypatch.setattr(flow.step("description"), "accept", broken)
    await person.say("A description that meets a bug")
    assert (
        person.screen
        == "Sorry, something went wrong on our side. Please send your last message again."
    )
    after = await person.state()
    assert (after.step, after.turn, after.data) == (before.step, before.turn, before.data)
    monkeypatch.undo()
    await person.say("A description that meets a bug")
    assert "If you have a photo" in person.screen
