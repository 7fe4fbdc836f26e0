"""Municipalities of the Kyrgyz Republic: oblast → rayon → city or ayil aimak."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, str_enum


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

    @property
    def is_leaf_kind(self) -> bool:
        """Cities and ayil aimaks are municipalities a person can belong to."""
        return self.kind in (MunicipalityKind.city, MunicipalityKind.ayil_aimak)

    def name(self, language: str) -> str:
        """The name in `language`; Uzbek falls back to the Kyrgyz name where none is written."""
        value = getattr(self, f"name_{language}", None)
        return value or self.name_ky

    def all_names(self) -> list[str]:
        """Every written name, for search in any language and script."""
        return [n for n in (self.name_ky, self.name_ru, self.name_en, self.name_uz) if n]
