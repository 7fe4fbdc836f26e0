"""The optional questions about the groups a resident belongs to (age band, gender, living with
a disability): whether to ask them, storing the answers with the person's agreement, and
clearing them. Reports count supports and survey answers by these groups
(`handlers.reports.groups`); nothing else reads them.

The answers are kept only while the person agrees to these questions (`GroupAnswers.agreed_at`):
"not now" and "delete my answers" leave a row with no answers, so the person is not asked again
after each need; deleting all of one's data deletes the row.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import N_
from bot.settings import Settings
from models import AgeBand, ConsentStatus, Disability, Gender, GroupAnswers, Person
from models.base import utcnow

GROUPS_FLOW = "about_you"

# the dimensions reports break figures down by, each with its groups in the order shown
AGE, GENDER, DISABILITY = "age", "gender", "disability"
DIMENSIONS = {
    AGE: N_("Age"),
    GENDER: N_("Gender"),
    DISABILITY: N_("Disability"),
}
AGE_NAMES = {
    AgeBand.under_18: N_("Under 18"),
    AgeBand.from_18: N_("18–29"),
    AgeBand.from_30: N_("30–44"),
    AgeBand.from_45: N_("45–59"),
    AgeBand.from_60: N_("60 or older"),
}
GENDER_NAMES = {
    Gender.woman: N_("Woman"),
    Gender.man: N_("Man"),
    Gender.unsaid: N_("Prefer not to say"),
}
DISABILITY_NAMES = {
    Disability.lives_with: N_("Yes, I do"),
    Disability.cares_for: N_("Yes, someone I care for"),
    Disability.none: N_("No"),
}
# the same groups as report headers, where "Yes, I do" would not say what the column is
DISABILITY_GROUPS = {
    Disability.lives_with: N_("lives with a disability"),
    Disability.cares_for: N_("cares for someone with a disability"),
    Disability.none: N_("no disability"),
}
GROUP_NAMES: dict[str, dict[str, str]] = {
    AGE: {band.value: name for band, name in AGE_NAMES.items()},
    GENDER: {gender.value: name for gender, name in GENDER_NAMES.items()},
    DISABILITY: {d.value: name for d, name in DISABILITY_GROUPS.items()},
}
NOT_ANSWERED = N_("not answered")


@dataclass(frozen=True)
class Answers:
    """What a person answered (None: skipped, or never answered)."""

    age_band: AgeBand | None = None
    gender: Gender | None = None
    disability: Disability | None = None


async def answers_of(session: AsyncSession, person: Person) -> GroupAnswers | None:
    """The person's row: None when they were never asked."""
    return await session.get(GroupAnswers, person.id)


def questions_on(settings: Settings) -> bool:
    """Whether the questions are asked at all (DEMOGRAPHIC_QUESTIONS)."""
    return settings.demographic_questions


async def should_offer(session: AsyncSession, settings: Settings, person: Person) -> bool:
    """Whether to offer the questions now: they are on, the person consented to the processing
    of their data, and they were never asked (a "not now" is not asked again)."""
    if not questions_on(settings) or person.consent != ConsentStatus.given:
        return False
    return await answers_of(session, person) is None


async def offer_after(session: AsyncSession, settings: Settings, person: Person) -> str | None:
    """The flow to go to after a resident's first need, support or survey: the questions when
    they are to be offered, else None (back to where they were)."""
    return GROUPS_FLOW if await should_offer(session, settings, person) else None


async def record_declined(session: AsyncSession, person: Person) -> None:
    """ "Not now": remember that the questions were put, and keep no answer."""
    row = await answers_of(session, person)
    if row is None:
        session.add(GroupAnswers(person_id=person.id, asked_at=utcnow()))
    else:
        _clear(row)
    await session.flush()


async def store_answers(session: AsyncSession, person: Person, answers: Answers) -> GroupAnswers:
    """Store the answers, and that (and when) the person agreed to these questions."""
    row = await answers_of(session, person)
    if row is None:
        row = GroupAnswers(person_id=person.id, asked_at=utcnow())
        session.add(row)
    row.agreed_at = utcnow()
    row.age_band, row.gender, row.disability = answers.age_band, answers.gender, answers.disability
    await session.flush()
    return row


async def clear_answers(session: AsyncSession, person: Person) -> None:
    """Delete the answers and the agreement; the row stays so the person is not asked again."""
    row = await answers_of(session, person)
    if row is not None:
        _clear(row)
        await session.flush()


async def forget(session: AsyncSession, person_id: int) -> None:
    """Delete the row altogether (the person deletes all their data)."""
    await session.execute(delete(GroupAnswers).where(GroupAnswers.person_id == person_id))


def _clear(row: GroupAnswers) -> None:
    row.agreed_at = None
    row.age_band = row.gender = row.disability = None


def has_answers(row: GroupAnswers | None) -> bool:
    """Whether the person agreed and so has answers (possibly all skipped) to change or delete."""
    return row is not None and row.agreed_at is not None
