"""NGOs (non-governmental organizations) that deliver municipal social services, and what their
members subscribe to."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Column, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum, utcnow


class OrganizationStatus(enum.StrEnum):
    """pending: registered, waiting for staff or an admin → approved (members get alerts and may
    invite colleagues) or rejected (with a reason)."""

    pending = "pending"
    approved = "approved"
    rejected = "rejected"


# the municipalities an NGO works in, and the sectors (need categories) it serves
organization_municipalities = Table(
    "organization_municipalities",
    Base.metadata,
    Column(
        "organization_id",
        ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("municipality_id", ForeignKey("municipalities.id"), primary_key=True, index=True),
)
organization_categories = Table(
    "organization_categories",
    Base.metadata,
    Column(
        "organization_id",
        ForeignKey("organizations.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("category_id", ForeignKey("categories.id"), primary_key=True),
)


class Organization(Base):
    """An NGO. Its members are the persons whose `organization_id` points here."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    inn: Mapped[str] = mapped_column(String(14), unique=True)  # Kyrgyz tax number, 14 digits
    contact_name: Mapped[str] = mapped_column(String(120))
    contact_phone: Mapped[str] = mapped_column(String(32))  # E.164
    status: Mapped[OrganizationStatus] = mapped_column(
        str_enum(OrganizationStatus), default=OrganizationStatus.pending, index=True
    )
    reason: Mapped[str | None] = mapped_column(String(500))  # why it was rejected
    # members give it to colleagues, who join with it; None until approved
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    registered_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL", use_alter=True)
    )
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("persons.id", ondelete="SET NULL", use_alter=True)
    )
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Subscription(Base):
    """An NGO member wants tenders of one municipality in one sector, on one channel."""

    __tablename__ = "subscriptions"
    __table_args__ = (UniqueConstraint("person_id", "municipality_id", "category_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"))
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    channel: Mapped[str] = mapped_column(String(16))  # telegram, sms, sim
    paused: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
