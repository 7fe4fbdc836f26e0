"""People and their addresses: one person, any number of channels."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, UTCDateTime, str_enum, utcnow


class Role(enum.StrEnum):
    """What a person may do. Anything above resident is granted only by an invite code."""

    resident = "resident"
    ngo_member = "ngo_member"
    staff = "staff"  # scoped to Person.staff_municipality_id
    admin = "admin"  # every municipality


class ConsentStatus(enum.StrEnum):
    """Consent to the processing of personal data.

    unknown: not asked yet (onboarding) · given: may store reports · refused: only the refusal
    and the chosen language are kept.
    """

    unknown = "unknown"
    given = "given"
    refused = "refused"


class Person(Base):
    """A resident, NGO member, staff member or admin — one record across every channel."""

    __tablename__ = "persons"

    id: Mapped[int] = mapped_column(primary_key=True)
    language: Mapped[str | None] = mapped_column(String(8))
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.resident)
    staff_municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    # the unit this person lived in before it was merged or renamed, until they are told once
    moved_from_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    consent: Mapped[ConsentStatus] = mapped_column(
        str_enum(ConsentStatus), default=ConsentStatus.unknown
    )
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the staff member who recorded consent given at the office (assisted entry); NULL when the
    # person gave it themselves in the bot
    consent_recorded_by: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL")
    )
    # the NGO this person is a member of (role ngo_member once it is approved)
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    # Loaded only on purpose (bot.identity.people.addresses_of): the hot path never needs them,
    # and deleting a person leaves removing them to the database's ON DELETE CASCADE.
    addresses: Mapped[list[Address]] = relationship(
        back_populates="person", lazy="raise", passive_deletes=True
    )

    @property
    def is_staff(self) -> bool:
        """Staff or admin: may see and change needs (within scope)."""
        return self.role in (Role.staff, Role.admin)

    def may_manage(self, municipality_id: int) -> bool:
        """Whether this person may act on the needs of `municipality_id`."""
        if self.role == Role.admin:
            return True
        return self.role == Role.staff and self.staff_municipality_id == municipality_id


class Address(Base):
    """A way to reach a person on one channel: a Telegram chat id, a phone number, a simulator id."""

    __tablename__ = "addresses"
    __table_args__ = (UniqueConstraint("channel", "value"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    channel: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(64))
    # unreachable: the provider said this address cannot receive (blocked the bot, …) until the
    # person writes again.
    unreachable: Mapped[bool] = mapped_column(default=False)
    opted_out: Mapped[bool] = mapped_column(default=False)
    # when the STOP or START that set `opted_out` was sent (the provider's time where it gives
    # one): an older command arriving late — a phone that was offline — changes nothing
    opted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # the provider route this address last wrote through, where a channel has several (SMS:
    # "twilio", or "android:NAME" for one gateway phone): replies leave the way they came
    route: Mapped[str | None] = mapped_column(String(32))
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    person: Mapped[Person] = relationship(back_populates="addresses")


class AgeBand(enum.StrEnum):
    """The age bands residents may choose from (the optional questions about them)."""

    under_18 = "under_18"
    from_18 = "18_29"
    from_30 = "30_44"
    from_45 = "45_59"
    from_60 = "60_plus"


class Gender(enum.StrEnum):
    """woman · man · unsaid: the person chose "prefer not to say" (a skip stores nothing)."""

    woman = "woman"
    man = "man"
    unsaid = "unsaid"


class Disability(enum.StrEnum):
    """Whether the person, or someone they care for, lives with a disability."""

    lives_with = "self"  # the person does
    cares_for = "carer"  # someone they care for does
    none = "none"


class GroupAnswers(Base):
    """A resident's optional answers about the groups they belong to, for reports by group.

    One row once the questions were put. `agreed_at`: when the person agreed to answer them
    (None: they said "not now" or deleted their answers — then every answer is None too). The
    answers are stored only with that agreement; deleting the person deletes the row.
    """

    __tablename__ = "group_answers"

    person_id: Mapped[int] = mapped_column(
        ForeignKey("persons.id", ondelete="CASCADE"), primary_key=True
    )
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    agreed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    age_band: Mapped[AgeBand | None] = mapped_column(str_enum(AgeBand))
    gender: Mapped[Gender | None] = mapped_column(str_enum(Gender))
    disability: Mapped[Disability | None] = mapped_column(str_enum(Disability))
