"""Global words: understood at every step, in every language, typed or sent as a /command."""

from __future__ import annotations

from functools import cache

from bot.conversation.folding import fold
from bot.i18n import NP_, translator
from bot.settings import LANGUAGES

CONTEXT = "keyword"

# Each msgid is the English word; a catalog may list several words separated by "|", the first is
# the one shown to people.
KEYWORDS: dict[str, str] = {
    "menu": NP_("keyword", "menu"),
    "back": NP_("keyword", "back"),
    "cancel": NP_("keyword", "cancel"),
    "help": NP_("keyword", "help"),
    "language": NP_("keyword", "language"),
    "skip": NP_("keyword", "skip"),
}
# Telegram-style commands and their aliases, the same in every language.
COMMANDS = {
    "start": "start",
    "menu": "menu",
    "help": "help",
    "language": "language",
    "cancel": "cancel",
}


def keyword_words(language: str, keyword: str) -> list[str]:
    """The words for `keyword` in `language`, the displayed one first."""
    return [w.strip() for w in translator(language).tp(CONTEXT, KEYWORDS[keyword]).split("|")]


def shown_keyword(language: str, keyword: str) -> str:
    """The word people are told to write, in capitals so it stands out: MENU, МЕНЮ."""
    return keyword_words(language, keyword)[0].upper()


@cache
def _index() -> dict[str, str]:
    index: dict[str, str] = {}
    for keyword, msgid in KEYWORDS.items():
        index[fold(msgid)] = keyword
        for language in LANGUAGES:
            for word in keyword_words(language, keyword):
                index.setdefault(fold(word), keyword)
    return index


def match_keyword(text: str) -> str | None:
    """The global word `text` is, if it is one: 'меню', 'MENU', '/menu', 'Артка'…"""
    stripped = text.strip()
    if stripped.startswith("/"):
        command = (
            stripped[1:].split(maxsplit=1)[0].split("@")[0].lower() if len(stripped) > 1 else ""
        )
        if command in COMMANDS:
            return COMMANDS[command]
    key = fold(stripped)
    return _index().get(key) if key else None


def start_payload(text: str) -> str | None:
    """The deep-link payload of '/start PAYLOAD', if any."""
    parts = text.strip().split(maxsplit=1)
    if len(parts) == 2 and parts[0].split("@")[0].lower() == "/start":
        return parts[1].strip()
    return None
