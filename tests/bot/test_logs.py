"""LOG_FORMAT=json (bot/logs.py): `kenesh serve` writes one JSON object a line, its own lines and
uvicorn's alike, and a traceback stays inside its line without the phone number it quotes."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from datetime import datetime

import pytest
from pydantic import ValidationError

from bot.logs import JsonFormatter, TextFormatter
from bot.settings import Settings
from tests.processes import free_port, serve_while


async def test_serve_logs_one_json_object_a_line(cli_env) -> None:
    env = {**cli_env, "HTTP_PORT": str(free_port()), "LOG_FORMAT": "json", "LOG_LEVEL": "INFO"}
    _, out, err = await asyncio.to_thread(serve_while, env, lambda: None)
    assert out == ""  # uvicorn's access lines too go to stderr, as JSON
    records = [json.loads(line) for line in err.splitlines()]  # every line parses
    assert records
    for record in records:
        assert {"time", "level", "logger", "message"} <= set(record)
        assert datetime.fromisoformat(record["time"]).tzinfo is not None
    loggers = {record["logger"] for record in records}
    assert any(name.startswith("kenesh") for name in loggers), loggers
    assert any(
        record["logger"] == "uvicorn.access" and "/healthz" in record["message"]
        for record in records
    )
    assert {"INFO"} <= {record["level"] for record in records}


def log_an_error(formatter: logging.Formatter) -> str:
    """What `formatter` writes for an error whose exception quotes a phone number."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter)
    logger = logging.getLogger("kenesh.test_logs")
    logger.addHandler(handler)
    logger.propagate = False
    try:
        try:
            raise ValueError("Twilio refused +996 555 123 456:\nnot a mobile number")
        except ValueError:
            logger.exception("sending to person %s failed", 42)
    finally:
        logger.removeHandler(handler)
        logger.propagate = True
    return stream.getvalue()


def test_an_exception_is_one_json_line_with_its_traceback_and_no_phone_number() -> None:
    [line] = log_an_error(JsonFormatter()).splitlines()
    record = json.loads(line)
    assert record["level"] == "ERROR" and record["logger"] == "kenesh.test_logs"
    assert record["message"] == "sending to person 42 failed"
    assert "Traceback (most recent call last)" in record["exception"]
    assert "ValueError: Twilio refused ***:\nnot a mobile number" in record["exception"]
    assert "555" not in line and "123 456" not in line


def test_a_text_traceback_shows_no_phone_number_either() -> None:
    text = log_an_error(TextFormatter())
    assert " ERROR kenesh.test_logs sending to person 42 failed\nTraceback" in text
    assert "ValueError: Twilio refused ***:" in text and "555" not in text


def test_log_format_is_text_or_json(monkeypatch) -> None:
    monkeypatch.delenv("LOG_FORMAT", raising=False)
    assert Settings().log_format == "text"
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert Settings().log_format == "json"
    monkeypatch.setenv("LOG_FORMAT", "logfmt")
    with pytest.raises(ValidationError, match="LOG_FORMAT: text or json"):
        Settings()
