"""Settings read from the environment or a `.env` file.

Every field here is documented in the README's settings table; a test fails when one is not.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.delivery.quiet import parse_span
from models.db import async_url

LANGUAGES = ("ky", "ru", "uz", "en")


class Settings(BaseSettings):
    """Runtime configuration of one Kenesh process."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    database_url: str = "sqlite+aiosqlite:///./kenesh.db"
    default_language: str = "ky"
    timezone: str = "Asia/Bishkek"
    schedule_tick_seconds: float = 5.0
    invite_ttl_days: int = 7
    log_level: str = "INFO"
    log_format: str = "text"
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    public_url: str | None = None
    telegram_bot_token: str | None = None
    telegram_api_url: str = "https://api.telegram.org"
    telegram_webhook_secret: str | None = None
    telegram_polling_timeout: int = 30
    telegram_bot_username: str | None = None
    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_api_url: str = "https://api.twilio.com"
    telegram_rate: float = 30.0
    telegram_paid_broadcast: bool = False
    sms_rate: float = 1.0
    sms_group_commit: bool = True
    smsgate_url: str | None = None
    smsgate_username: str | None = None
    smsgate_password: str | None = None
    smsgate_signing_key: str | None = None
    smsgate_devices: str = ""
    smsgate_rate: float = 1.0
    smsgate_offline: str = "wait"
    sms_bulk_route: str = "last"
    sms_split_operators: str = "beeline"
    quiet_hours: str = "20:00-09:00"
    whatsapp_token: str | None = None
    whatsapp_phone_number_id: str | None = None
    whatsapp_app_secret: str | None = None
    whatsapp_verify_token: str | None = None
    whatsapp_api_url: str = "https://graph.facebook.com"
    whatsapp_api_version: str = "v23.0"
    whatsapp_rate: float = 80.0
    whatsapp_templates: str = ""
    whatsapp_tier: str = "1000"
    whatsapp_number: str | None = None
    outbox_stale_seconds: float = 120.0
    outbox_retention_days: int = 90
    send_timeout_seconds: float = 25.0
    ocds_prefix: str = "ocds-kenesh"
    tender_reminder_days: str = "3,1"
    report_min_group: int = 5
    demographic_questions: bool = True
    open_data_licence: str = "CC BY 4.0"
    secret_key: SecretStr | None = None
    web_session_hours: float = 12.0
    public_pages: bool = True
    public_rate: int = 60
    public_cache_seconds: float = 60.0

    @field_validator(
        "public_url",
        "telegram_bot_token",
        "telegram_webhook_secret",
        "twilio_account_sid",
        "twilio_auth_token",
        "twilio_from",
        "smsgate_url",
        "smsgate_username",
        "smsgate_password",
        "smsgate_signing_key",
        "secret_key",
        "whatsapp_token",
        "whatsapp_phone_number_id",
        "whatsapp_app_secret",
        "whatsapp_verify_token",
        "telegram_bot_username",
        "whatsapp_number",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        """`VAR=` (as docker-compose writes an unset ${VAR:-}) means not set."""
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url")
    @classmethod
    def _async_driver(cls, value: str) -> str:
        """Accept the plain URLs operators write and pick the async driver for them."""
        return async_url(value)

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _secret_charset(cls, value: str | None) -> str | None:
        """Telegram accepts 1–256 characters of A–Z, a–z, 0–9, _ and -."""
        if value is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", value):
            raise ValueError("TELEGRAM_WEBHOOK_SECRET: 1-256 characters of A-Z a-z 0-9 _ -")
        return value

    @field_validator("telegram_bot_username")
    @classmethod
    def _bot_username(cls, value: str | None) -> str | None:
        """The bot's @username (5-32 of A-Z a-z 0-9 _), written with or without the @."""
        if value is None:
            return None
        name = value.strip().removeprefix("@")
        if not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{4,31}", name):
            raise ValueError("TELEGRAM_BOT_USERNAME: the bot's @username, 5-32 of A-Z a-z 0-9 _")
        return name

    @field_validator("whatsapp_number")
    @classmethod
    def _whatsapp_number(cls, value: str | None) -> str | None:
        """The business number in international form, digits only as wa.me wants it."""
        if value is None:
            return None
        digits = re.sub(r"[\s()+.-]", "", value)
        if not re.fullmatch(r"[1-9][0-9]{6,14}", digits):
            raise ValueError(
                "WHATSAPP_NUMBER: the business number, international, like +996555000111"
            )
        return digits

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        """How log lines look: text for a terminal, json (one object a line) for a collector."""
        spelled = value.strip().lower()
        if spelled not in ("text", "json"):
            raise ValueError("LOG_FORMAT: text or json")
        return spelled

    @field_validator("smsgate_offline")
    @classmethod
    def _offline_policy(cls, value: str) -> str:
        """What becomes of a gateway phone's messages while it is offline."""
        if value not in ("wait", "move"):
            raise ValueError("SMSGATE_OFFLINE: wait (for the phone) or move (to another route)")
        return value

    @field_validator("sms_bulk_route")
    @classmethod
    def _bulk_route(cls, value: str) -> str:
        """How bulk SMS (broadcasts, alerts, reminders, invitations) leave."""
        if value not in ("last", "twilio", "android"):
            raise ValueError("SMS_BULK_ROUTE: last, twilio or android")
        return value

    @field_validator("secret_key")
    @classmethod
    def _long_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """A key short enough to guess signs nothing: at least 32 characters."""
        if value is not None and len(value.get_secret_value()) < 32:
            raise ValueError(
                "SECRET_KEY: at least 32 characters; make one with: "
                'python3 -c "import secrets; print(secrets.token_urlsafe(32))"'
            )
        return value

    @field_validator("web_session_hours")
    @classmethod
    def _positive_hours(cls, value: float) -> float:
        """A staff session lasts some time: more than zero hours."""
        if value <= 0:
            raise ValueError("WEB_SESSION_HOURS: more than 0")
        return value

    @field_validator("public_rate")
    @classmethod
    def _public_rate(cls, value: int) -> int:
        """Public pages a minute per client: at least one."""
        if value < 1:
            raise ValueError("PUBLIC_RATE: at least 1 (pages a minute per client)")
        return value

    @field_validator("public_cache_seconds")
    @classmethod
    def _cache_seconds(cls, value: float) -> float:
        """How long public pages and their figures may be reused: 0 (never) or more."""
        if value < 0:
            raise ValueError("PUBLIC_CACHE_SECONDS: 0 or more")
        return value

    @field_validator("quiet_hours")
    @classmethod
    def _quiet_span(cls, value: str) -> str:
        """HH:MM-HH:MM in TIMEZONE, or empty."""
        parse_span(value)
        return value.strip()

    @field_validator("tender_reminder_days")
    @classmethod
    def _days(cls, value: str) -> str:
        """Whole days before a deadline, comma-separated: "3,1"."""
        try:
            days = [int(part) for part in value.split(",") if part.strip()]
        except ValueError:
            raise ValueError(
                "TENDER_REMINDER_DAYS: whole days, comma-separated, like 3,1"
            ) from None
        if any(day < 1 for day in days):
            raise ValueError("TENDER_REMINDER_DAYS: each at least 1")
        return ",".join(str(day) for day in sorted(set(days), reverse=True))

    @property
    def split_operators(self) -> frozenset[str]:
        """SMS_SPLIT_OPERATORS as a set of operator codes."""
        return frozenset(
            o.strip().lower() for o in self.sms_split_operators.split(",") if o.strip()
        )

    @property
    def reminder_days(self) -> tuple[int, ...]:
        """TENDER_REMINDER_DAYS as numbers, largest first."""
        return tuple(int(day) for day in self.tender_reminder_days.split(",") if day)

    @field_validator("report_min_group")
    @classmethod
    def _at_least_one(cls, value: int) -> int:
        """Fewer than one answer is no group."""
        if value < 1:
            raise ValueError("REPORT_MIN_GROUP: at least 1")
        return value

    @field_validator("outbox_retention_days")
    @classmethod
    def _retention(cls, value: int) -> int:
        """Finished messages are kept at least a day: their outcome may still be reported."""
        if value < 1:
            raise ValueError("OUTBOX_RETENTION_DAYS: at least 1 (days)")
        return value

    @field_validator("outbox_stale_seconds", "send_timeout_seconds")
    @classmethod
    def _positive(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("must be more than 0 seconds")
        return value

    @field_validator("whatsapp_tier")
    @classmethod
    def _tier(cls, value: str) -> str:
        """Meta's messaging-limit tiers: 250, 1000, 10000, 100000 or unlimited (1K… accepted)."""
        spelled = value.strip().lower().replace("k", "000").replace(",", "")
        if spelled not in ("250", "1000", "10000", "100000", "unlimited"):
            raise ValueError("WHATSAPP_TIER: 250, 1000, 10000, 100000 or unlimited")
        return spelled

    @property
    def whatsapp_daily_limit(self) -> int | None:
        """WHATSAPP_TIER as people a day (None: unlimited)."""
        return None if self.whatsapp_tier == "unlimited" else int(self.whatsapp_tier)

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
