"""The house conventions of each language, checked over every translation: what a speaker
noticed once and must not come back."""

from __future__ import annotations

import re

import pytest

from bot.catalogs import load
from bot.i18n import catalog_path, translator


def translations(language: str) -> list[tuple[str, str]]:
    """(msgid, msgstr) of every message of `language`, plural forms one by one."""
    found = []
    for message in load(catalog_path(language), language):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        found += [(ids[0], string) for string in strings]
    return found


@pytest.mark.parametrize("language", ["ky", "ru", "uz"])
def test_example_dates_are_written_day_first(language: str) -> None:
    # people here write 15.01.2027; the bot reads that and ISO, and shows the first
    iso = [s for _, s in translations(language) if re.search(r"\b\d{4}-\d{2}-\d{2}\b", s)]
    assert iso == []


def test_kyrgyz_endings_after_a_placeholder_are_chosen_not_written() -> None:
    # "{n}ге" is wrong for 3 (3кө) and 6 (6га): write {n:га} and the bot picks the form;
    # "тартып", "чейин", "бери" need the ablative or dative before them
    written = re.compile(r"\}[а-яёөүң]|\{[a-z_]+\}\s+(тартып|чейин|баштап|бери)\b", re.IGNORECASE)
    assert [s for _, s in translations("ky") if written.search(s)] == []


def test_uzbek_suffixes_are_not_detached_from_a_placeholder_or_a_number() -> None:
    # "{time} dan", "5 dan", "“{item}” ni": a case suffix is written on its word
    detached = re.compile(r"(\}|\d)[”»\"]?\s+(dan|da|ga|gacha|ni|ning|dagi|dek)\b")
    assert [s for _, s in translations("uz") if detached.search(s)] == []


def test_russian_addresses_the_reader_as_capital_vy() -> None:
    lowercase = re.compile(r"\b(вы|вас|вам|вами|ваш\w*)\b")
    assert [s for _, s in translations("ru") if lowercase.search(s)] == []


@pytest.mark.parametrize(("language", "word"), [("ky", "Сиз"), ("uz", "Siz")])
def test_kyrgyz_and_uzbek_write_siz_lowercase_within_a_sentence(language: str, word: str) -> None:
    capital = re.compile(rf"[^.!?\n\s]\s+{word}\w*")
    assert [s for _, s in translations(language) if capital.search(s)] == []


@pytest.mark.parametrize("language", ["ky", "ru"])
def test_quotes_are_guillemets(language: str) -> None:
    assert [s for _, s in translations(language) if re.search(r"[“”„]", s)] == []


def test_no_endonym_inside_a_russian_sentence() -> None:
    endonyms = re.compile(r"Кыргызча|O‘zbekcha|English")
    assert [s for _, s in translations("ru") if endonyms.search(s)] == []


@pytest.mark.parametrize(("language", "short", "spelled"), [
    ("ky", "КЭУ", "коммерциялык эмес уюм"),
    ("ru", "НКО", "некоммерческ"),
    ("uz", "NNT", "nodavlat notijorat"),
])  # fmt: skip
def test_the_ngo_abbreviation_is_spelled_out_where_villagers_meet_it(language, short, spelled):
    tr = translator(language)
    hub = tr.t(
        "NGOs and tenders: NGOs register here, and their members get the tenders of "
        "municipalities. What would you like to do?"
    )
    assert short in hub and spelled in hub
    code = tr.t(
        "Write the code of the service you received (the NGO gave it to you), for example 7QH4M2."
    )
    assert short not in code  # a beneficiary need not know the word
