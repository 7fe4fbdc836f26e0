"""Where log lines go and how they look: text for people reading a terminal (the default), or one
JSON object a line (`LOG_FORMAT=json`) for a log collector (Loki, Elasticsearch, CloudWatch…).

Logs name people by internal id, never by phone number or name: messages are written that way.
Tracebacks are not ours to write, and a database error quotes its statement's parameters, a
provider's error the number it refused, so in both formats a traceback goes through
`mask_phones` before it is written.
"""

from __future__ import annotations

import json
import logging
import sys
from datetime import UTC, datetime
from types import TracebackType
from typing import TextIO

from bot.phones import mask_phones

TEXT = "%(asctime)s %(levelname)s %(name)s %(message)s"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]


class TextFormatter(logging.Formatter):
    """`time LEVEL logger message`, then the traceback, with any phone number in it masked."""

    def __init__(self) -> None:
        super().__init__(TEXT)

    def formatException(self, ei: ExcInfo) -> str:  # logging's name
        return mask_phones(super().formatException(ei)) or ""


class JsonFormatter(TextFormatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, and the exception's
    traceback when the record has one."""

    def format(self, record: logging.LogRecord) -> str:
        line = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        # ensure_ascii off: Kyrgyz and Russian stay readable; a line break inside a message
        # or a traceback is escaped, so the record stays one line
        return json.dumps(line, ensure_ascii=False)


def configure_logging(level: str, format: str = "text", stream: TextIO | None = None) -> None:
    """Send every log record at `level` or above to `stream` (stderr) in `format`. Like
    `logging.basicConfig`, it leaves a root logger that already has handlers alone (the first
    configuration of a process wins: in tests, pytest's)."""
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter() if format == "json" else TextFormatter())
    logging.basicConfig(level=level, handlers=[handler])
    if level != "DEBUG":
        logging.getLogger("alembic").setLevel(logging.WARNING)
