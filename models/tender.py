"""Municipal social-procurement tenders, their OCDS release history and deadline reminders."""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum, utcnow


class TenderStatus(enum.StrEnum):
    """draft: only its municipality's staff see it → active: published, NGOs may apply until
    the deadline → awarded to an NGO, or cancelled. (OCDS tender.status: planning, active,
    complete, cancelled.)"""

    draft = "draft"
    active = "active"
    awarded = "awarded"
    cancelled = "cancelled"


class Tender(Base):
    """One social-procurement tender of a municipality (the buyer)."""

    __tablename__ = "tenders"

    id: Mapped[int] = mapped_column(primary_key=True)
    ocid: Mapped[str | None] = mapped_column(String(120), unique=True)  # set when published
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text)
    budget: Mapped[Decimal] = mapped_column(Numeric(14, 2))  # in `currency`
    currency: Mapped[str] = mapped_column(String(3), default="KGS")
    deadline: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)  # submissions close
    how_to_apply: Mapped[str] = mapped_column(Text)
    document_url: Mapped[str | None] = mapped_column(String(500))
    language: Mapped[str] = mapped_column(String(8), default="ky")  # of title and description
    status: Mapped[TenderStatus] = mapped_column(
        str_enum(TenderStatus), default=TenderStatus.draft, index=True
    )
    awarded_organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    award_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    awarded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    source: Mapped[str] = mapped_column(String(16), default="bot")  # bot, import
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def reference(self) -> str:
        """The number people quote, for example T-000012."""
        return f"T-{self.id:06d}"


class TenderRelease(Base):
    """One OCDS release of a tender, as it was at that moment (the export serves these)."""

    __tablename__ = "tender_releases"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"), index=True)
    release_id: Mapped[str] = mapped_column(String(160), unique=True)
    tag: Mapped[str] = mapped_column(String(32))  # tender, tenderUpdate, tenderCancellation, award
    date: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class TenderReminder(Base):
    """A reminder `days_before` the deadline to the tender's subscribers: sent once
    (`sent_at`), by whichever process takes it first."""

    __tablename__ = "tender_reminders"
    __table_args__ = (UniqueConstraint("tender_id", "days_before"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int] = mapped_column(ForeignKey("tenders.id", ondelete="CASCADE"))
    days_before: Mapped[int]
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
