"""Small text files sent to the bot (a CSV of phone numbers, say) read as the message's text, so
every step that takes pasted lines takes the file too. Anything else stays a caption."""

from __future__ import annotations

import logging

from aiogram import Bot
from aiogram.types import Document

log = logging.getLogger("kenesh.telegram")

MAX_TEXT_FILE = 256 * 1024  # bytes: thousands of phone numbers
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


def is_text_file(document: Document) -> bool:
    """A CSV or plain-text file, by its name or its type."""
    name = (document.file_name or "").lower()
    mime = (document.mime_type or "").lower()
    return name.endswith(TEXT_SUFFIXES) or mime.startswith("text/") or mime == "application/csv"


def decode(raw: bytes) -> str:
    """UTF-8 (with or without a byte-order mark), else Windows-1251, as Excel in Russian saves."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1251", errors="replace")


async def read_text_file(bot: Bot, document: Document) -> str | None:
    """The file's text, or None when it is too big or cannot be fetched (logged, without the
    content: it holds phone numbers)."""
    if document.file_size is not None and document.file_size > MAX_TEXT_FILE:
        log.warning("text file of %s bytes not read (limit %s)", document.file_size, MAX_TEXT_FILE)
        return None
    try:
        buffer = await bot.download(document.file_id)
    except Exception:
        log.exception("could not download a text file")
        return None
    raw = buffer.read() if buffer is not None else b""
    if len(raw) > MAX_TEXT_FILE:
        return None
    return decode(raw)
