"""Lists of beneficiaries as files, the way spreadsheets write them: a CSV saved by Excel in a
Russian locale is Windows-1251 with semicolons, one saved as "CSV UTF-8" starts with a byte
order mark, "Unicode text" is UTF-16 with tabs. Each is read into lines and the separator they
use, for `handlers.surveys.enrol_lists`; a file that is no text at all (a workbook
sent as it is, a photo) is refused whole, before anyone is enrolled.
"""

from __future__ import annotations

import codecs
import enum
from dataclasses import dataclass

MAX_BYTES = 512 * 1024  # some 30,000 lines of phone numbers
SEPARATORS = (",", ";", "\t")
# a workbook's first bytes: XLSX (a zip) and the older XLS
WORKBOOKS = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")
CONTROL = {chr(c) for c in range(32)} - {"\t", "\n", "\r"}


class ListProblem(enum.StrEnum):
    """Why a file cannot be read as a list at all."""

    empty = "empty"  # nothing in it
    too_big = "too_big"  # more than MAX_BYTES
    workbook = "workbook"  # an Excel workbook, not saved as CSV
    encoding = "encoding"  # not text in UTF-8, UTF-16 or Windows-1251


class ListFileError(ValueError):
    """The file is not a list that can be read; `problem` says why."""

    def __init__(self, problem: ListProblem) -> None:
        super().__init__(f"cannot read the list: {problem}")
        self.problem = problem


@dataclass(frozen=True)
class ListFile:
    """A list read from a file: its lines, the separator of its columns, its encoding."""

    lines: list[str]
    delimiter: str
    encoding: str


def _decode(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return data.decode("utf-8-sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "utf-16"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1251"), "cp1251"  # Excel's "CSV" in a Cyrillic Windows


def guess_delimiter(lines: list[str]) -> str:
    """The separator most of the first lines hold (a comma when there is one column): a
    header such as "Phone, language" in one cell does not outvote the lines under it."""
    sample = [line for line in lines[:50] if line.strip()]
    counts = {s: sum(1 for line in sample if s in line) for s in SEPARATORS}
    best = max(SEPARATORS, key=lambda separator: counts[separator])
    return best if counts[best] else ","


def read_list_file(data: bytes) -> ListFile:
    """The lines of an uploaded or given file; ListFileError when it is not a readable list."""
    if not data.strip():
        raise ListFileError(ListProblem.empty)
    if len(data) > MAX_BYTES:
        raise ListFileError(ListProblem.too_big)
    if data.startswith(WORKBOOKS):
        raise ListFileError(ListProblem.workbook)
    try:
        text, encoding = _decode(data)
    except UnicodeDecodeError:
        raise ListFileError(ListProblem.encoding) from None
    if any(ch in CONTROL for ch in text):
        raise ListFileError(ListProblem.encoding)  # binary, or UTF-16 without its mark
    lines = text.splitlines()
    return ListFile(lines, guess_delimiter(lines), encoding)


def template_csv(header: tuple[str, str]) -> bytes:
    """The file staff fill in: the two columns' names only (a line without digits is read as
    a header), with a byte order mark and semicolons, so Excel opens it in two columns with
    the Cyrillic right."""
    return codecs.BOM_UTF8 + (";".join(header) + "\r\n").encode("utf-8")
