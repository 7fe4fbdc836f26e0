"""Rendering replies for Telegram: splitting, callback data, keyboards."""

from __future__ import annotations

from aiogram.types import InlineKeyboardMarkup, ReplyKeyboardMarkup, ReplyKeyboardRemove

from bot.channels.telegram.render import callback_data, parse_callback, render, split_text
from bot.conversation.messages import Choice, Reply


def test_split_prefers_lines_then_words_and_never_exceeds_the_limit() -> None:
    text = "\n".join(f"line {i} " + "x" * 40 for i in range(300))
    pieces = split_text(text)
    assert all(len(p) <= 4096 for p in pieces) and len(pieces) == 4
    assert all(p.startswith("line ") and p.endswith("x") for p in pieces)  # whole lines only
    unbroken = "y" * 9000
    assert [len(p) for p in split_text(unbroken)] == [4096, 4096, 808]


def test_callback_data_fits_in_64_bytes_and_round_trips() -> None:
    assert parse_callback(callback_data("17", "report_need", "1")) == ("17", "report_need", None)
    long_id = "ж" * 40  # 80 bytes in UTF-8
    data = callback_data("17", long_id, "3")
    assert len(data.encode()) <= 64
    assert parse_callback(data) == ("17", None, "3")
    assert parse_callback("garbage") == (None, None, None)


def test_keyboards_by_kind_of_question() -> None:
    choices = (Choice("yes", "Yes", "1"), Choice("no", "No", "2"))
    (inline,) = render(Reply("Agree?", choices=choices, token="5"))
    assert isinstance(inline.markup, InlineKeyboardMarkup)
    assert [[b.callback_data for b in row] for row in inline.markup.inline_keyboard] == [
        ["5:yes", "5:no"]
    ]
    (home,) = render(Reply("Menu", choices=choices, home=True))
    assert isinstance(home.markup, ReplyKeyboardMarkup) and home.markup.is_persistent
    (where,) = render(
        Reply(
            "Where?",
            choices=(Choice("__skip", "Skip", "0"),),
            request="location",
            request_label="📍",
        )
    )
    assert (
        where.markup.keyboard[0][0].request_location and where.markup.keyboard[1][0].text == "Skip"
    )
    (plain,) = render(Reply("Thanks"))
    assert isinstance(plain.markup, ReplyKeyboardRemove)
