"""Municipalities of the Kyrgyz Republic: oblast → rayon → city or ayil aimak."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UTCDateTime, str_enum, utcnow


class MunicipalityKind(enum.StrEnum):
    """Level of a unit; cities and ayil aimaks are where residents live and LSGs work."""

    oblast = "oblast"
    rayon = "rayon"
    city = "city"
    ayil_aimak = "ayil_aimak"


class Municipality(Base):
    """One administrative-territorial unit, with its name in each language."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[MunicipalityKind] = mapped_column(str_enum(MunicipalityKind))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    name_ky: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    name_uz: Mapped[str | None] = mapped_column(String(200))
    # other spellings people type (old names, without the kind word), separated by "|"
    variants: Mapped[str | None] = mapped_column(Text)
    # after a merge or a reform: the unit that took this one's people and work (None: current)
    successor_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"), index=True)
    # the local self-government body as procurement names it ("Барпы айыл өкмөтү") and its INN
    lsg_name: Mapped[str | None] = mapped_column(String(300))
    inn: Mapped[str | None] = mapped_column(String(14), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    # the source the row was written from: "ISO 3166-2:KG", or "unofficial: URL" (Wikipedia, news);
    # None: written from knowledge, unchecked
    checked: Mapped[str | None] = mapped_column(String(200))

    @property
    def is_leaf_kind(self) -> bool:
        """Cities and ayil aimaks are municipalities a person can belong to."""
        return self.kind in (MunicipalityKind.city, MunicipalityKind.ayil_aimak)

    def name(self, language: str) -> str:
        """The name in `language`; Uzbek falls back to the Kyrgyz name where none is written."""
        value = getattr(self, f"name_{language}", None)
        return value or self.name_ky

    @property
    def is_current(self) -> bool:
        """Not merged into another unit."""
        return self.successor_id is None

    def all_names(self) -> list[str]:
        """Every written name and variant, for search in any language and script."""
        names = [n for n in (self.name_ky, self.name_ru, self.name_en, self.name_uz) if n]
        return names + [v.strip() for v in (self.variants or "").split("|") if v.strip()]


class UnlistedPlace(Base):
    """A place a person typed that the register lacks: they went on at `municipality_id` (their
    rayon, or the oblast), and admins learn what to add (`kenesh municipalities unlisted`)."""

    __tablename__ = "unlisted_places"

    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(String(200))
    municipality_id: Mapped[int] = mapped_column(ForeignKey("municipalities.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("persons.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
