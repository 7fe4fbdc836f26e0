"""Promises about documentation and deployment: every setting documented, compose matches settings,
the README's test command is the one CI runs."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
SETTINGS = {name.upper() for name in Settings.model_fields}


def test_every_setting_is_documented_in_the_readme() -> None:
    documented = set(re.findall(r"^\| `([A-Z_]+)` \|", README, re.MULTILINE))
    assert SETTINGS - documented == set(), "add these to the README's settings table"
    assert documented - SETTINGS == set(), "the README documents settings that do not exist"


def test_compose_configures_the_bot_with_real_settings() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    bot_env = compose["services"]["bot"]["environment"]
    names = set(bot_env) if isinstance(bot_env, dict) else {e.split("=", 1)[0] for e in bot_env}
    assert names, "the bot service sets no environment"
    assert names <= SETTINGS, f"unknown settings in docker-compose.yml: {names - SETTINGS}"
    assert "DATABASE_URL" in names and "postgres" in compose["services"]["db"]["image"]
    assert compose["services"]["db"]["image"].startswith("postgres:16")


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()
    command = [
        line
        for line in ci
        if line.strip() and not line.lstrip().startswith(("#", "set ", "export ", "cd "))
    ][-1].strip()
    assert command in README


def test_empty_channel_settings_mean_off(monkeypatch) -> None:
    """docker-compose passes unset ${VAR:-} as empty strings: they must not switch channels on."""
    for name in (
        "PUBLIC_URL",
        "TELEGRAM_BOT_TOKEN",
        "TELEGRAM_WEBHOOK_SECRET",
        "TWILIO_ACCOUNT_SID",
    ):
        monkeypatch.setenv(name, "")
    settings = Settings()
    assert settings.telegram_bot_token is None and settings.public_url is None
    assert settings.telegram_webhook_secret is None and settings.twilio_account_sid is None
