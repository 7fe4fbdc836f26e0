"""The house conventions of each language, checked over every translation: what a speaker
noticed once and must not come back."""

from __future__ import annotations

import re

import pytest

from bot.catalogs import load
from bot.i18n import catalog_path


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
