"""Formats, languages and errors of the GeoReport v2 API: every answer is JSON or XML, picked by
the path's extension, and every error is the spec's list of `{code, description}`."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

from fastapi import Request
from fastapi.responses import Response

from bot.text import has_control
from handlers.needs.open311.xml import Value, xml_document

MEDIA_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
LANGUAGES = ("ky", "ru", "uz", "en")
DEFAULT_LANGUAGE = "en"


class Open311Error(Exception):
    """A request the API refuses: `status` is both the HTTP status and the error's code."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def check_format(extension: str) -> str:
    """`json` or `xml`; anything else is a resource we do not have (404)."""
    if extension not in MEDIA_TYPES:
        raise Open311Error(404, f"unknown format {extension!r}: use .json or .xml")
    return extension


def check_printable(request: Request) -> None:
    """A 400 for a path or query parameter holding a control character (a NUL byte, say):
    no code, id or date of ours has one, and the database would refuse to look it up."""
    values = [*request.path_params.values(), *request.query_params.values()]
    for value in values:
        if isinstance(value, str) and has_control(value):
            raise Open311Error(400, "a parameter holds a control character")


def requested_language(request: Request) -> str | None:
    """ky, ru, uz or en: the `locale` or `lang` parameter, else Accept-Language; None when the
    caller names no language we speak (callers then use DEFAULT_LANGUAGE or their own)."""
    for name in ("locale", "lang"):
        language = _language(request.query_params.get(name, ""))
        if language:
            return language
    return _accepted(request.headers.get("Accept-Language", ""))


def _language(tag: str) -> str | None:
    code = tag.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGUAGES else None


def _accepted(header: str) -> str | None:
    """The caller's most preferred language we speak, by the header's q-values."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = _language(tag)
        if language and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else None


def respond(
    extension: str,
    root: str,
    content: Mapping[str, Value] | Sequence[Mapping[str, Value]],
    item: str = "",
    status: int = 200,
) -> Response:
    """`content` as JSON, or as XML under `<root>` (a list as one `<item>` per entry)."""
    if extension == "xml":
        body = xml_document(root, content, item)
    else:
        body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status, media_type=MEDIA_TYPES[extension])


def error_response(extension: str, error: Open311Error) -> Response:
    """The spec's error list, in the requested format (JSON when the format itself was wrong)."""
    errors = [{"code": error.status, "description": error.description}]
    fmt = extension if extension in MEDIA_TYPES else "json"
    return respond(fmt, "errors", errors, "error", status=error.status)
