"""Loops in flows (Repeat): passes stored one item each, `back` across a pass reopens it instead
of storing it twice, `until` leaves at once, a step may end its pass, loops nest."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.menu import MenuEntry
from bot.conversation.repeat import Repeat
from bot.conversation.steps import Ask, Confirm
from bot.wiring import load
from handlers import account
from tests.conftest import Database, clear
from tests.factories import Chat, onboard

STOP = "stop"


async def _finish(ctx: Context) -> str | None:
    ctx.say(f"SAVED {ctx.answers.get('title')}: {ctx.answers.get('items')}")
    return None


def build_list() -> Flow:
    """A title, then items (a name, a note unless the name is "bare", "Another?"), then done."""
    return Flow(
        "lists",
        [
            Ask("title", "TITLE?"),
            Repeat(
                "items",
                [
                    Ask(
                        "name",
                        "NAME?",
                        next=lambda ctx: "items" if ctx.answers["name"] == "bare" else "note",
                    ),
                    Ask("note", "NOTE?"),
                ],
                more=Confirm("another", "ANOTHER?"),
                again=lambda ctx: ctx.answers.get("another", True),  # a bare name: go on
            ),
        ],
        _finish,
    )


async def _finish_words(ctx: Context) -> str | None:
    ctx.say(f"WORDS {ctx.answers.get('groups')}")
    return None


def build_words() -> Flow:
    """Groups of words until STOP: each group a label, then words until a blank "."."""
    return Flow(
        "words",
        [
            Repeat(
                "groups",
                [
                    Ask("label", "LABEL?"),
                    Repeat(
                        "words",
                        [Ask("word", "WORD?")],
                        again=lambda ctx: ctx.answers["word"] != ".",
                    ),
                ],
                until=lambda ctx: ctx.answers.get("label") == STOP,
            )
        ],
        _finish_words,
    )


TOY = SimpleNamespace(
    FLOWS=(build_list, build_words),
    MENU=(MenuEntry("lists", "Lists", 5), MenuEntry("words", "Words", 6)),
)


@pytest.fixture
async def toy(database: Database):
    await clear(database)
    from bot.settings import Settings

    settings = Settings(database_url=database.url)
    return load([account, TOY]).assemble(settings, database.engine, database.sessions)


async def test_each_pass_is_one_item_and_back_reopens_the_last(toy) -> None:
    person = Chat(toy, "lister")
    await onboard(person)
    await person.choose("Lists")
    for line in ("Groceries", "milk", "2 litres", "1"):  # "1": yes, another
        await person.say(line)
    assert "NAME?" in person.screen
    await person.say("back")  # over the end of the first pass: "Another?" again
    assert "ANOTHER?" in person.screen
    await person.say("back")
    assert "NOTE?" in person.screen
    await person.say("3 litres")  # the first item changed, not stored twice
    await person.say("1")
    await person.say("bread")
    await person.say("one loaf")
    await person.say("2")  # no more
    assert (
        "SAVED Groceries: [{'name': 'milk', 'note': '3 litres', 'another': True}, "
        "{'name': 'bread', 'note': 'one loaf', 'another': False}]" in person.screen
    )


async def test_a_step_naming_its_loop_ends_the_pass(toy) -> None:
    person = Chat(toy, "bare")
    await onboard(person)
    await person.choose("Lists")
    await person.say("Tools")
    await person.say("bare")  # no note, and no "Another?": the pass ends here
    assert "NAME?" in person.screen
    await person.say("hammer")
    await person.say("heavy")
    await person.say("2")
    assert "SAVED Tools: [{'name': 'bare'}, {'name': 'hammer'" in person.screen


async def test_nested_loops_and_until_leaving_drops_the_unfinished_pass(toy) -> None:
    person = Chat(toy, "words")
    await onboard(person)
    await person.choose("Words")
    for line in ("fruit", "apple", "pear", ".", "tools", "saw", "."):
        await person.say(line)
    await person.say(STOP)
    assert (
        "WORDS [{'label': 'fruit', 'words': [{'word': 'apple'}, {'word': 'pear'}, {'word': '.'}]}, "
        "{'label': 'tools', 'words': [{'word': 'saw'}, {'word': '.'}]}]" in person.screen
    )


async def test_back_inside_a_nested_loop_reopens_its_word(toy) -> None:
    person = Chat(toy, "nested-back")
    await onboard(person)
    await person.choose("Words")
    for line in ("fruit", "apple", "pear"):
        await person.say(line)
    await person.say("back")  # "pear" reopened
    assert "WORD?" in person.screen
    await person.say("plum")
    await person.say(".")
    await person.say(STOP)
    assert "'words': [{'word': 'apple'}, {'word': 'plum'}, {'word': '.'}]" in person.screen


def test_a_loop_that_asks_nothing_is_refused() -> None:
    flow = Flow(
        "empty",
        [Repeat("never", [Ask("x", "X?", when=lambda ctx: False)])],
        _finish,
    )

    async def first() -> None:
        await flow.first(SimpleNamespace(answers={}))  # type: ignore[arg-type]

    import asyncio

    with pytest.raises(ValueError, match="asks nothing"):
        asyncio.run(first())
