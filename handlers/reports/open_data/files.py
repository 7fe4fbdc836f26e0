"""The open data as files: a CSV per data set (UTF-8 with a byte-order mark, so spreadsheet
programs read Cyrillic right) and one XLSX workbook with a sheet each and one about them. The
files are the same in every language: column names are codes the data dictionary explains.

The workbook is written in openpyxl's write-only mode, row by row, not with the staff reports'
`write_tables` (which styles and measures every cell): a country's needs are tens of thousands
of rows, three times slower and many times the memory that way."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from handlers.reports.open_data.schema import Dataset

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
    book = Workbook(write_only=True)
    book.properties.title = "Kenesh open data"
    book.properties.creator = "Kenesh"
    bold = Font(bold=True)
    for dataset in datasets:
        sheet = book.create_sheet(dataset.name)
        sheet.freeze_panes = "A2"
        header = []
        for column in dataset.columns:
            cell = WriteOnlyCell(sheet, value=column.name)
            cell.font = bold
            header.append(cell)
        sheet.append(header)
        for row in dataset.rows:
            sheet.append([_text_cell(value) for value in row])
    sheet = book.create_sheet("about")
    for line in about:
        sheet.append(list(line))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
