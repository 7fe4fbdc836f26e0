"""The open data as files: a CSV per data set (UTF-8 with a byte-order mark, so spreadsheet
programs read Cyrillic right) and one XLSX workbook with a sheet each and one about them. The
files are the same in every language: column names are codes the data dictionary explains."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from handlers.reports.open_data.datasets import Dataset
from handlers.reports.spreadsheets import Table, write_tables

WORKBOOK = "kenesh-open-data.xlsx"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Licence:
    """The licence the data is published under (OPEN_DATA_LICENCE), and where to read it."""

    name: str
    url: str | None


KNOWN_LICENCES = {
    "cc by 4.0": "https://creativecommons.org/licenses/by/4.0/",
    "cc by-sa 4.0": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc0 1.0": "https://creativecommons.org/publicdomain/zero/1.0/",
    "odbl 1.0": "https://opendatacommons.org/licenses/odbl/1-0/",
}


def licence_of(name: str) -> Licence:
    """The licence called `name`, linked when it is one of the usual open-data licences."""
    return Licence(name, KNOWN_LICENCES.get(" ".join(name.lower().split())))


def _text_cell(value: Any) -> Any:
    """A text a spreadsheet will not run as a formula (CSV injection); numbers stay numbers."""
    if isinstance(value, str) and value[:1] in FORMULA_STARTS and not _is_number(value):
        return "'" + value
    return "" if value is None else value


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_bytes(dataset: Dataset) -> bytes:
    """One data set as CSV."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([column.name for column in dataset.columns])
    for row in dataset.rows:
        writer.writerow([_text_cell(value) for value in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(datasets: list[Dataset], about: list[tuple[str, str]]) -> bytes:
    """Every data set in one workbook, a sheet each, and an `about` sheet (licence, source)."""
    tables = [
        Table(d.name, [c.name for c in d.columns], [[_text_cell(v) for v in row] for row in d.rows])
        for d in datasets
    ]
    return write_tables(tables, "about", about, "Kenesh open data")
