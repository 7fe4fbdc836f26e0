"""Need categories of the social sphere; also the sectors NGOs serve."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class Category(Base):
    """One need category with its name in each language."""

    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    position: Mapped[int] = mapped_column(default=0)
    name_ky: Mapped[str] = mapped_column(String(200))
    name_ru: Mapped[str] = mapped_column(String(200))
    name_uz: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))

    def name(self, language: str) -> str:
        """The name in `language` (every language is required in the reference file)."""
        return getattr(self, f"name_{language}", None) or self.name_en

    def all_names(self) -> list[str]:
        """Every written name, for matching typed answers."""
        return [self.name_ky, self.name_ru, self.name_uz, self.name_en]
