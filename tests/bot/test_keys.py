"""SECRET_KEY: the one secret Kenesh signs with, a key per use, and no public server without it."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from bot.keys import require_secret_key, signing_key
from bot.settings import Settings
from tests.processes import kenesh

SECRET = "s" * 32


def test_each_use_has_its_own_key_from_the_secret_key() -> None:
    settings = Settings(secret_key=SECRET)
    links = signing_key(settings, "report links")
    assert links != signing_key(settings, "web sessions")
    assert links == signing_key(
        Settings(secret_key=SECRET, twilio_auth_token="new"), "report links"
    )
    assert links != signing_key(Settings(secret_key="t" * 32), "report links")


def test_without_a_secret_key_a_process_signs_with_a_key_of_its_own() -> None:
    first, second = Settings(), Settings()
    assert signing_key(first, "report links") == signing_key(second, "report links")
    assert signing_key(first, "report links") != signing_key(
        Settings(secret_key=SECRET), "report links"
    )
    require_secret_key(first)  # no public address: the simulator, a local serve


def test_a_public_server_needs_a_secret_key() -> None:
    with pytest.raises(ValueError, match="SECRET_KEY is required when PUBLIC_URL is set"):
        require_secret_key(Settings(public_url="https://kenesh.example"))
    require_secret_key(Settings(public_url="https://kenesh.example", secret_key=SECRET))


def test_a_short_secret_key_is_refused() -> None:
    with pytest.raises(ValidationError, match="SECRET_KEY: at least 32 characters"):
        Settings(secret_key="password")
    assert Settings(secret_key=" ").secret_key is None  # compose's empty ${SECRET_KEY:-}


def test_serve_refuses_to_start_in_public_without_a_secret_key(tmp_path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'k.db'}", "PUBLIC_URL": "https://k.example"}
    refused = kenesh(env, "serve")
    assert refused.returncode == 2
    assert "SECRET_KEY is required when PUBLIC_URL is set" in refused.stderr
    assert "Traceback" not in refused.stderr
    short = kenesh({**env, "SECRET_KEY": "short"}, "serve")
    assert short.returncode == 2 and "SECRET_KEY: at least 32 characters" in short.stderr
