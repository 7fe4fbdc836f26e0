"""Every message in all four catalogs, with the same placeholders, really translated."""

from __future__ import annotations

import pytest

from bot.catalogs import TEMPLATE, extract, load, problems
from bot.conversation.folding import fold
from bot.conversation.keywords import KEYWORDS, keyword_words
from bot.i18n import catalog_path, translator
from bot.settings import LANGUAGES


@pytest.fixture(scope="module")
def template():
    return extract()


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(template, language: str) -> None:
    assert list(problems(language, template)) == []


def test_template_matches_the_source(template) -> None:
    committed = {
        (m.id if isinstance(m.id, str) else m.id[0], m.context) for m in load(TEMPLATE) if m.id
    }
    extracted = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in template if m.id}
    assert extracted == committed, (
        "run: python -m bot.catalogs extract && python -m bot.catalogs update"
    )


# Words that are spelled the same in English and in the language (checked by a speaker).
SAME_SPELLING = {"uz": {"administrator", "Tender"}}  # Uzbek writes these as English does


@pytest.mark.parametrize("language", ["ky", "ru", "uz"])
def test_no_english_left_in_other_catalogs(language: str) -> None:
    copies = [
        m.id
        for m in load(catalog_path(language), language)
        if m.id and isinstance(m.id, str) and m.string == m.id
    ]
    assert set(copies) <= SAME_SPELLING.get(language, set())


def test_plural_forms_follow_the_language() -> None:
    ru = translator("ru")
    forms = [
        ru.tn("Supported by {n} person.", "Supported by {n} people.", n) for n in (1, 3, 5, 21)
    ]
    assert len(set(forms)) == 4  # four numbers, Russian's three forms (1 and 21 share one)
    assert forms[0].replace("1", "21") == forms[3]


def test_keywords_never_collide() -> None:
    owner: dict[str, str] = {}
    for keyword in KEYWORDS:
        for language in LANGUAGES:
            for word in keyword_words(language, keyword):
                key = fold(word)
                assert key, f"{language} {keyword}: empty word"
                assert owner.setdefault(key, keyword) == keyword, f"{word!r} means two things"
    for language in LANGUAGES:
        for answer in ("Yes", "No"):
            assert fold(translator(language).t(answer)) not in owner, (
                f"{language} {answer} is a keyword"
            )
