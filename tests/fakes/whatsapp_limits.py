"""What the fake Graph API refuses: the Cloud API's documented limits on what a message holds.

Each check returns None or (Meta error code, details); the fake answers HTTP 400 with it.
Limits (characters): text body 4,096; reply buttons 1–3, titles 1–20 and unique, ids up to
256, body 1,024; list messages up to 10 rows over up to 10 sections (a title for each when
there are several), row titles 24, descriptions 72, ids 200 and unique, button label 20, body
4,096; header and footer 60; captions 1,024; a template's parameters without line breaks, tabs
or more than four spaces in a row, its filled-in body up to 1,024.
"""

from __future__ import annotations

import re
from typing import Any

Problem = tuple[int, str] | None
INVALID = 131009  # "Parameter value is not valid"
MISSING = 131008  # "Required parameter is missing"
PARAMETERS = 132000  # "Number of parameters does not match the expected number of params"
NO_TEMPLATE = 132001  # "Template name does not exist in the translation"
TOO_LONG = 132005  # "Translated text too long"
BAD_PARAMETER = 132018  # "There was an issue with the parameters in your template"


def _length(value: Any, low: int, high: int, what: str) -> Problem:
    if not isinstance(value, str) or not low <= len(value) <= high:
        size = len(value) if isinstance(value, str) else "none"
        return INVALID, f"{what} must be {low}-{high} characters (got {size})"
    return None


def check_text(text: dict[str, Any]) -> Problem:
    """A text message."""
    return _length(text.get("body"), 1, 4096, "text.body")


def check_media(kind: str, media: dict[str, Any], known: set[str]) -> Problem:
    """An image or document: by id (uploaded, or received) or by link; caption up to 1,024."""
    if not media.get("id") and not media.get("link"):
        return MISSING, f"{kind} needs an id or a link"
    if media.get("id") and media["id"] not in known:
        return INVALID, f"{kind}.id is not a known media id"
    if "caption" in media:
        return _length(media["caption"], 1, 1024, f"{kind}.caption")
    return None


def check_interactive(interactive: dict[str, Any]) -> Problem:
    """Reply buttons, a list, or a location request."""
    kind = interactive.get("type")
    body = (interactive.get("body") or {}).get("text")
    for part in ("header", "footer"):
        if part in interactive:
            problem = _length(interactive[part].get("text"), 1, 60, f"{part}.text")
            if problem:
                return problem
    action = interactive.get("action") or {}
    if kind == "button":
        return _length(body, 1, 1024, "body.text") or _buttons(action.get("buttons"))
    if kind == "list":
        return _length(body, 1, 4096, "body.text") or _list(action)
    if kind == "location_request_message":
        return _length(body, 1, 1024, "body.text")
    return INVALID, f"unknown interactive type {kind!r}"


def _buttons(buttons: Any) -> Problem:
    if not isinstance(buttons, list) or not 1 <= len(buttons) <= 3:
        return INVALID, "reply buttons: 1 to 3"
    titles, ids = [], []
    for button in buttons:
        reply = button.get("reply") or {}
        problem = _length(reply.get("title"), 1, 20, "button title") or _length(
            reply.get("id"), 1, 256, "button id"
        )
        if problem:
            return problem
        titles.append(reply["title"])
        ids.append(reply["id"])
    if len(set(titles)) != len(titles) or len(set(ids)) != len(ids):
        return INVALID, "button titles and ids must be unique"
    return None


def _list(action: dict[str, Any]) -> Problem:
    problem = _length(action.get("button"), 1, 20, "list button")
    sections = action.get("sections")
    if problem:
        return problem
    if not isinstance(sections, list) or not 1 <= len(sections) <= 10:
        return INVALID, "list: 1 to 10 sections"
    rows = [row for section in sections for row in section.get("rows") or []]
    if not 1 <= len(rows) <= 10:
        return INVALID, f"list: 1 to 10 rows in all (got {len(rows)})"
    for section in sections:
        if len(sections) > 1 or "title" in section:
            problem = _length(section.get("title"), 1, 24, "section title")
            if problem:
                return problem
    for row in rows:
        problem = _length(row.get("title"), 1, 24, "row title") or _length(
            row.get("id"), 1, 200, "row id"
        )
        if not problem and "description" in row:
            problem = _length(row["description"], 1, 72, "row description")
        if problem:
            return problem
    if len({row["id"] for row in rows}) != len(rows):
        return INVALID, "row ids must be unique"
    return None


def check_template(
    template: dict[str, Any], approved: dict[tuple[str, str], str]
) -> tuple[Problem, str | None]:
    """A template message against the approved templates ({(name, language): body with {{n}}});
    (problem, the filled-in body)."""
    name = template.get("name")
    language = (template.get("language") or {}).get("code")
    body = approved.get((name, language))
    if body is None:
        return (NO_TEMPLATE, f"template {name} does not exist in {language}"), None
    wanted = len(set(re.findall(r"\{\{(\d+)\}\}", body)))
    parameters: list[str] = []
    for component in template.get("components") or []:
        if component.get("type") == "body":
            parameters += [p.get("text") for p in component.get("parameters") or []]
    if len(parameters) != wanted:
        return (PARAMETERS, f"expected {wanted} parameters, got {len(parameters)}"), None
    for value in parameters:
        if not isinstance(value, str) or not value or re.search(r"[\n\t]| {5,}", value):
            return (BAD_PARAMETER, "a parameter has a new line, a tab or 5 spaces"), None
    filled = re.sub(r"\{\{(\d+)\}\}", lambda m: parameters[int(m.group(1)) - 1], body)
    if len(filled) > 1024:
        return (TOO_LONG, f"the filled-in body has {len(filled)} characters"), None
    return None, filled
