"""Maintaining the gettext catalogs: extract, update, check.

python -m bot.catalogs extract   # source → locales/messages.pot
python -m bot.catalogs update    # messages.pot → each locales/<lang>/LC_MESSAGES/messages.po
python -m bot.catalogs check     # every message translated in every language, same placeholders
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po, write_po

from bot.i18n import DOMAIN, LOCALES, catalog_path
from bot.settings import LANGUAGES

ROOT = LOCALES.parent
SOURCES = ("bot", "handlers", "models")
KEYWORDS = {"N_": None, "NP_": ((1, "c"), 2), "tn": (1, 2)}
# Workspace templates (`templates/*.html` of bot/web and of each domain) call `_` and `tn`.
TEMPLATE_KEYWORDS = {"_": None, "tn": (1, 2)}
METHODS = [
    ("**.py", "python"),
    ("**/templates/**.html", "jinja2.ext:babel_extract"),
]
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)
# a placeholder's name; a Kyrgyz case ending after a colon (`{time:дан}`) is the same placeholder
PLACEHOLDER = re.compile(r"\{([a-z_]*)(?::[^{}]*)?\}")


def extract() -> Catalog:
    """Every marked message in the source tree."""
    catalog = Catalog(project="Kenesh", domain=DOMAIN, charset="utf-8")
    for source in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / source,
            method_map=METHODS,
            keywords={**KEYWORDS, **TEMPLATE_KEYWORDS},
            options_map={"**/templates/**.html": {"trim_blocks": "true", "lstrip_blocks": "true"}},
        ):
            catalog.add(
                message,
                None,
                [(f"{source}/{filename}", lineno)],
                auto_comments=comments,
                context=context,
            )
    return catalog


def write(catalog: Catalog, path: Path) -> None:
    """Write a catalog without timestamps that churn on every run."""
    path.parent.mkdir(parents=True, exist_ok=True)
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.project, catalog.version = "Kenesh", "0.1"
    catalog.copyright_holder = "Kenesh contributors"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = catalog.language_team = "Kenesh contributors"
    catalog.fuzzy = False
    with path.open("wb") as handle:
        write_po(
            handle, catalog, width=100, omit_header=False, sort_output=False, include_lineno=False
        )


def load(path: Path, language: str | None = None) -> Catalog:
    """Read a catalog."""
    with path.open("rb") as handle:
        return read_po(handle, locale=language, domain=DOMAIN)


def update() -> None:
    """Bring every language's catalog in line with the template, keeping translations."""
    template = load(TEMPLATE)
    for language in LANGUAGES:
        path = catalog_path(language)
        catalog = load(path, language) if path.exists() else Catalog(locale=language, domain=DOMAIN)
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(catalog, path)


def _key(message_id: object) -> str:
    return message_id if isinstance(message_id, str) else message_id[0]  # type: ignore[index]


def problems(language: str, template: Catalog | None = None) -> Iterator[str]:
    """What is wrong with one language's catalog: missing, empty, fuzzy, or placeholders changed."""
    template = template or extract()
    catalog = load(catalog_path(language), language)
    for message in template:
        if not message.id:
            continue
        found = catalog.get(message.id, context=message.context)
        label = f"{language}: {_key(message.id)!r}"
        if found is None:
            yield f"{label} is missing"
            continue
        if found.fuzzy:
            yield f"{label} is fuzzy"
        strings = found.string if isinstance(found.string, tuple | list) else (found.string,)
        ids = message.id if isinstance(message.id, tuple | list) else (message.id,)
        if not all(strings):
            yield f"{label} has no translation"
            continue
        wanted = set(PLACEHOLDER.findall(" ".join(ids)))
        for text in strings:
            if set(PLACEHOLDER.findall(text)) != wanted:
                yield f"{label}: placeholders {sorted(PLACEHOLDER.findall(text))} != {sorted(wanted)}"


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    if command == "extract":
        write(extract(), TEMPLATE)
    elif command == "update":
        update()
    elif command == "check":
        template = extract()
        found = [p for language in LANGUAGES for p in problems(language, template)]
        print("\n".join(found) or "catalogs complete")
        return 1 if found else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
