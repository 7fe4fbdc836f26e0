"""SMS opt-out words: STOP and its synonyms, START to resume, HELP for information — in English
(the carriers' standard words) and in the words people actually send in Russian, Kyrgyz and
Uzbek, in Cyrillic and Latin spellings. Matched on the whole message, ignoring case and spelling.
"""

from __future__ import annotations

import enum

from bot.conversation.folding import fold


class Command(enum.StrEnum):
    """What an SMS keyword asks for."""

    stop = "stop"
    start = "start"
    help = "help"


WORDS: dict[Command, tuple[str, ...]] = {
    Command.stop: (
        # the carriers' standard opt-out words
        "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "REVOKE", "OPTOUT", "OPT OUT",
        # Russian
        "стоп", "отписаться", "отписка", "отпишите", "не присылать", "хватит",
        # Kyrgyz
        "токто", "токтот", "токтотуу", "жазылуудан чыгуу", "жибербегиле", "жибербе",
        # Uzbek, Latin and Cyrillic
        "to‘xtat", "to'xtat", "toxtat", "to‘xtatish", "тўхтат", "тухтат", "obunani bekor qilish",
        "обунани бекор килиш", "yubormang", "юборманг",
    ),
    Command.start: (
        "START", "UNSTOP", "YES", "SUBSCRIBE",
        "старт", "подписаться", "возобновить",
        "башта", "баштоо", "кайра баштоо", "жазылуу",
        "boshlash", "бошлаш", "davom", "давом", "obuna", "обуна",
    ),
    Command.help: (
        "HELP", "INFO",
        "помощь", "инфо", "справка",
        "жардам", "маалымат",
        "yordam", "ёрдам", "ma’lumot", "ma'lumot", "малумот",
    ),
}  # fmt: skip

_INDEX = {fold(word): command for command, words in WORDS.items() for word in words}


def sms_command(text: str) -> Command | None:
    """The opt-out command a whole message is, if any ('Stop', 'СТОП', 'to‘xtat'…)."""
    key = fold(text)
    return _INDEX.get(key) if key else None
