"""Delivered social services, the people they reached, and the feedback surveys about them."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum, utcnow


class Service(Base):
    """A social service an NGO delivered under an awarded tender."""

    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    tender_id: Mapped[int | None] = mapped_column(ForeignKey("tenders.id", ondelete="SET NULL"))
    organization_id: Mapped[int | None] = mapped_column(
        ForeignKey("organizations.id", ondelete="SET NULL")
    )
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    title: Mapped[str] = mapped_column(String(300))
    join_code: Mapped[str] = mapped_column(String(16), unique=True)  # beneficiaries send it
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Beneficiary(Base):
    """A person the service reached (enrolled from a CSV of phones or by its join code)."""

    __tablename__ = "beneficiaries"
    __table_args__ = (UniqueConstraint("service_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    source: Mapped[str] = mapped_column(String(16))  # csv, code
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SurveyStatus(enum.StrEnum):
    """draft → scheduled (invitations at send_at) → sent (invited; one reminder later) → closed."""

    draft = "draft"
    scheduled = "scheduled"
    sent = "sent"
    closed = "closed"


class QuestionKind(enum.StrEnum):
    """rating: 1–5 · yes_no · choice: one of `choices` · text: free text."""

    rating = "rating"
    yes_no = "yes_no"
    choice = "choice"
    text = "text"


class Survey(Base):
    """A short feedback survey to the beneficiaries of one service."""

    __tablename__ = "surveys"

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    titles: Mapped[dict[str, str]] = mapped_column(JSON)  # language → title
    status: Mapped[SurveyStatus] = mapped_column(
        str_enum(SurveyStatus), default=SurveyStatus.draft, index=True
    )
    send_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SurveyQuestion(Base):
    """One question, its text in each language; `choices` for kind choice (language → list)."""

    __tablename__ = "survey_questions"
    __table_args__ = (UniqueConstraint("survey_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    position: Mapped[int]
    kind: Mapped[QuestionKind] = mapped_column(str_enum(QuestionKind))
    texts: Mapped[dict[str, str]] = mapped_column(JSON)
    choices: Mapped[dict[str, list[str]] | None] = mapped_column(JSON)


class SurveyInvitation(Base):
    """One beneficiary invited to one survey: where they are in it, and whether they finished."""

    __tablename__ = "survey_invitations"
    __table_args__ = (UniqueConstraint("survey_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"))
    person_id: Mapped[int] = mapped_column(ForeignKey("persons.id", ondelete="CASCADE"), index=True)
    invited_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SurveyAnswer(Base):
    """A person's answer to one question. Reports read these without `person_id`."""

    __tablename__ = "survey_answers"
    __table_args__ = (UniqueConstraint("question_id", "person_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    survey_id: Mapped[int] = mapped_column(ForeignKey("surveys.id", ondelete="CASCADE"), index=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("survey_questions.id", ondelete="CASCADE"))
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    value: Mapped[str] = mapped_column(Text)  # "1".."5", "yes"/"no", the choice's index, text
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiKey(Base):
    """An Open311 API key for an outside app: only its SHA-256 is stored."""

    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # a key bound to one municipality reports there without a jurisdiction_id
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    def summary(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}
