"""Settings read from the environment or a `.env` file.

Every field here is documented in the README's settings table; a test fails when one is not.
"""

from __future__ import annotations

from functools import lru_cache

from pydantic import field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from models.db import async_url

LANGUAGES = ("ky", "ru", "uz", "en")


class Settings(BaseSettings):
    """Runtime configuration of one Kenesh process."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./kenesh.db"
    default_language: str = "ky"
    invite_ttl_days: int = 7
    log_level: str = "INFO"
    http_host: str = "127.0.0.1"
    http_port: int = 8080

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Accept the plain URLs operators write and pick the async driver for them."""
        return async_url(value)

    @field_validator("default_language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"default_language must be one of {', '.join(LANGUAGES)}")
        return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings, read once."""
    return Settings()
