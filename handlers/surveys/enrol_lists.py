"""Beneficiaries enrolled from a list: lines of phone numbers pasted into the bot, a CSV file given
to `kenesh services enrol` or uploaded on a service's page — or one file for several services,
each line naming its service by join code. Every non-empty line gets an outcome: enrolled,
enrolled before, repeated, or refused with its reason (nobody is enrolled from a refused line),
so a list is never half-imported without saying which half.
"""

from __future__ import annotations

import csv
import enum
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.audit import PermissionDenied
from bot.phones import normalize_phone
from bot.settings import LANGUAGES
from handlers.surveys.services import (
    enrol,
    normalize_join_code,
    person_for_phone,
    service_for_staff,
)
from models import Person, Service

MAX_COLUMNS = 2  # the phone number, then optionally the person's language


class LineOutcome(enum.StrEnum):
    """What became of one line of a list: enrolled, or why not."""

    added = "added"  # a new beneficiary
    already = "already"  # enrolled before (by an earlier list or their join code)
    repeated = "repeated"  # the same number earlier in this list: counted once
    header = "header"  # the first line, without digits: column names
    bad_phone = "bad_phone"  # the phone number's column is not a valid phone number
    columns = "columns"  # more columns than a phone number and a language
    language = "language"  # the language's column is not one of ky, ru, uz, en
    unknown_service = "unknown_service"  # no service of the reader's has this join code


REFUSED = (
    LineOutcome.bad_phone,
    LineOutcome.columns,
    LineOutcome.language,
    LineOutcome.unknown_service,
)


@dataclass(frozen=True)
class EnrolLine:
    """One non-empty line of a list: its number, what became of it, its phone number (E.164)
    when it held one, the cell it was refused for or its phone as written (at most 40
    characters), and the service it went to."""

    number: int
    outcome: LineOutcome
    phone: str | None
    text: str
    service_id: int | None = None


@dataclass
class EnrolReport:
    """What a list of phone numbers did: new beneficiaries, ones already enrolled, numbers
    repeated in the list, the lines refused (line number, text), and every line's outcome."""

    added: int = 0
    already: int = 0
    repeated: int = 0
    bad: list[tuple[int, str]] = field(default_factory=list)
    new_people: list[int] = field(default_factory=list)
    lines: list[EnrolLine] = field(default_factory=list)

    @property
    def refused(self) -> list[EnrolLine]:
        """The lines nobody was enrolled from, for a reason to correct."""
        return [line for line in self.lines if line.outcome in REFUSED]

    def refuse(
        self,
        number: int,
        outcome: LineOutcome,
        phone: str | None,
        text: str,
        service_id: int | None = None,
    ) -> None:
        """Record a refused line."""
        self.bad.append((number, text))
        self.lines.append(EnrolLine(number, outcome, phone, text, service_id))


def _rows(lines: Iterable[str], delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """The non-empty rows of a CSV with their line numbers, cells trimmed, a spreadsheet's
    empty trailing columns dropped."""
    for number, row in enumerate(csv.reader(lines, delimiter=delimiter), start=1):
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            yield number, cells


def _refusal(phone: str | None, cells: list[str], language: str) -> LineOutcome | None:
    """Why a line enrols nobody, or None when it may."""
    if phone is None:
        return LineOutcome.bad_phone
    if len(cells) > MAX_COLUMNS:
        return LineOutcome.columns
    if language and language not in LANGUAGES:
        return LineOutcome.language
    return None


async def _enrol_line(
    session: AsyncSession,
    service: Service,
    number: int,
    cells: list[str],
    report: EnrolReport,
    seen: set[tuple[int, str]],
) -> None:
    """One line's phone number (and language) enrolled in `service`, its outcome reported."""
    text = cells[0][:40]
    phone = normalize_phone(cells[0]) if cells[0] else None
    language = cells[1].lower() if len(cells) > 1 else ""
    refusal = _refusal(phone, cells, language)
    if refusal is not None or phone is None:
        report.refuse(number, refusal or LineOutcome.bad_phone, phone, text, service.id)
        return
    if (service.id, phone) in seen:
        report.repeated += 1
        report.lines.append(EnrolLine(number, LineOutcome.repeated, phone, text, service.id))
        return
    seen.add((service.id, phone))
    person = await person_for_phone(session, phone)
    if person.language is None and language:
        person.language = language
    if await enrol(session, service, person, "csv"):
        report.added += 1
        report.new_people.append(person.id)
        report.lines.append(EnrolLine(number, LineOutcome.added, phone, text, service.id))
    else:
        report.already += 1
        report.lines.append(EnrolLine(number, LineOutcome.already, phone, text, service.id))


def _is_header(number: int, cell: str) -> bool:
    return number == 1 and not any(ch.isdigit() for ch in cell)


async def enrol_phones(
    session: AsyncSession, service: Service, lines: Iterable[str], delimiter: str = ","
) -> EnrolReport:
    """Enrol every phone number of a CSV (or of lines pasted into the bot): the number in the
    first column, optionally the person's language (ky, ru, uz, en) in the second. A first line
    without digits is a header. A bad number, more columns or an unknown language refuse the
    line; repeats count once."""
    report = EnrolReport()
    seen: set[tuple[int, str]] = set()
    for number, cells in _rows(lines, delimiter):
        if not cells[0]:
            continue
        if _is_header(number, cells[0]):
            report.lines.append(EnrolLine(number, LineOutcome.header, None, cells[0][:40]))
            continue  # a header such as "phone,language"
        await _enrol_line(session, service, number, cells, report, seen)
    await session.flush()
    return report


async def _service_named(
    session: AsyncSession, person: Person, text: str, known: dict[str, Service | None]
) -> Service | None:
    """The service whose join code (any spelling) a line names, if the person may manage it;
    another municipality's is refused (and audited) as if there were none, once a list."""
    code = normalize_join_code(text)
    if code is None:
        return None
    if code not in known:
        found = await session.scalar(select(Service).where(Service.join_code == code))
        try:
            known[code] = (
                await service_for_staff(session, person, found.id) if found is not None else None
            )
        except PermissionDenied:
            known[code] = None
    return known[code]


async def enrol_for_services(
    session: AsyncSession, person: Person, lines: Iterable[str], delimiter: str = ","
) -> EnrolReport:
    """Enrol the lines of one list in the services they name: the service's join code first,
    then the phone number and optionally the language. A join code of no service `person` may
    manage refuses its line; the rest is read as `enrol_phones` reads it."""
    report = EnrolReport()
    seen: set[tuple[int, str]] = set()
    known: dict[str, Service | None] = {}
    for number, cells in _rows(lines, delimiter):
        phone_cell = cells[1] if len(cells) > 1 else ""
        if _is_header(number, phone_cell):
            report.lines.append(EnrolLine(number, LineOutcome.header, None, cells[0][:40]))
            continue
        service = await _service_named(session, person, cells[0], known)
        if service is None:
            report.refuse(number, LineOutcome.unknown_service, None, cells[0][:40])
            continue
        await _enrol_line(session, service, number, [phone_cell, *cells[2:]], report, seen)
    await session.flush()
    return report


def split_pasted(text: str) -> list[str]:
    """Lines of a pasted list as CSV lines: semicolons and tabs become commas."""
    return [line.replace(";", ",").replace("\t", ",") for line in text.splitlines()]
