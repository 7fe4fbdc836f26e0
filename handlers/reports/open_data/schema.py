"""What an open data set is: a table of plain values whose columns the data dictionary
describes, the same in every language."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

Names = dict[int, tuple[str, str, str]]  # id → (code, Kyrgyz name, Russian name)


@dataclass(frozen=True)
class Column:
    """A column: its name in the files (the same in every language) and what it holds (a
    msgid, for the data dictionary)."""

    name: str
    meaning: str


@dataclass
class Dataset:
    """One table of the open data: `name` is its file's name, `title` and `about` (msgids)
    head it in the dictionary."""

    name: str
    title: str
    about: str
    columns: tuple[Column, ...]
    rows: list[list[Any]]
