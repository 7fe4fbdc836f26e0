"""Translations: gettext catalogs compiled in memory at start, one translator per language."""

from __future__ import annotations

import re
import string
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

from bot import kyrgyz
from bot.settings import LANGUAGES

LOCALES = Path(__file__).resolve().parent.parent / "locales"
DOMAIN = "messages"

# How each language names itself, for the language menu (shown before any language is chosen).
LANGUAGE_NAMES = {"ky": "Кыргызча", "ru": "Русский", "uz": "O‘zbekcha", "en": "English"}


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated when shown, in the reader's language."""
    return message


def NP_(context: str, message: str) -> str:
    """Mark `message` in `context` (msgctxt) for extraction; translated with Translator.tp."""
    return message


def catalog_path(language: str) -> Path:
    """Where the catalog of `language` lives."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def _translations(language: str) -> Translations:
    with catalog_path(language).open("rb") as po:
        catalog = read_po(po, locale=language, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return Translations(compiled, domain=DOMAIN)


# Each language's name as a word of the reader's sentence ("кыргыз тилинде", "кыргызский
# язык"), never an endonym inside another language's text.
LANGUAGE_WORDS = {"ky": N_("Kyrgyz"), "ru": N_("Russian"), "uz": N_("Uzbek"), "en": N_("English")}


def language_name(language: str, reader: Translator) -> str:
    """The name of `language` in the reader's language."""
    return reader.t(LANGUAGE_WORDS[language])


class _Formatter(string.Formatter):
    """str.format, and a Kyrgyz case ending after a placeholder's colon: `{time:дан}` is the
    value with the ending its last sound and vowel call for ("10:00дон", "10:30дан")."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if format_spec in kyrgyz.CASES:
            return kyrgyz.inflect(value, format_spec)
        return super().format_field(value, format_spec)


FORMATTER = _Formatter()
_INFLECTED = re.compile(r"\{\w*:[^{}]+\}")


def fill(template: str, /, **values: Any) -> str:
    """`template` with `values` filled in; the Python formatter only where an ending is asked."""
    if ":" in template and _INFLECTED.search(template):
        return FORMATTER.format(template, **values)
    return template.format(**values)


class Translator:
    """Translates for one reader. Placeholders use str.format: `t("Hello {name}", name=…)`."""

    def __init__(self, language: str) -> None:
        if language not in LANGUAGES:
            raise ValueError(f"unknown language {language!r}")
        self.language = language
        self._catalog = _translations(language)

    def t(self, message: str, **values: Any) -> str:
        """`message` in this language, with `values` filled in."""
        text = self._catalog.gettext(message)
        return fill(text, **values) if values else text

    def tn(self, singular: str, plural: str, n: int, **values: Any) -> str:
        """The form of `singular`/`plural` that goes with the number `n` (`{n}` is filled in)."""
        return fill(self._catalog.ngettext(singular, plural, n), n=n, **values)

    def tp(self, context: str, message: str) -> str:
        """`message` as translated in `context` (used for keywords)."""
        return self._catalog.pgettext(context, message)


@cache
def translator(language: str) -> Translator:
    """The shared translator for `language`."""
    return Translator(language)


# The closest written language when a text (a broadcast, a survey) is not in the reader's own.
FALLBACK = {
    "ky": ("ky", "ru", "uz", "en"),
    "uz": ("uz", "ky", "ru", "en"),
    "ru": ("ru", "ky", "en", "uz"),
    "en": ("en", "ru", "ky", "uz"),
}


def text_for(texts: dict[str, str], language: str | None) -> str:
    """The text of several languages for a reader of `language` (a broadcast, a survey's
    question), falling back to the closest one written."""
    for candidate in FALLBACK.get(language or "ky", FALLBACK["ky"]):
        if texts.get(candidate):
            return texts[candidate]
    return next(iter(texts.values()))
