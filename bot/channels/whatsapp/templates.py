"""WhatsApp message templates: what Kenesh sends on its own initiative outside the 24-hour
window goes as one of these, in the person's language.

Each kind of message (a need's status change, a tender alert, a broadcast…) has one template
whose body frames the message's own text, already in the person's language, as its one
parameter, and whose quick-reply button reopens the chat (the conversation then asks its
current question again). `kenesh whatsapp templates` prints them for Meta's template manager;
`WHATSAPP_TEMPLATES` maps each kind to the name Meta approved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from bot.channels.whatsapp.inbound import REOPEN
from bot.i18n import N_, translator
from bot.settings import LANGUAGES
from bot.text import shorten

MAX_BODY = 1024  # a template body's characters, parameters filled in
MAX_QUICK_REPLY = 25  # a quick-reply button's text
# Meta's codes for our languages (Kyrgyz is only known with its country)
LANGUAGE_CODES = {"ky": "ky_KG", "ru": "ru", "uz": "uz", "en": "en"}
CONTINUE = N_("Continue")


@dataclass(frozen=True)
class Template:
    """One kind of business-initiated message: `category` is what Meta charges for it
    (utility or marketing); `body` frames the message's text ({text}) and names the button."""

    kind: str
    name: str
    category: str
    body: str
    example: str


TEMPLATES = (
    Template(
        "notice",
        "kenesh_notice",
        "utility",
        N_("News from Kenesh about your report: {text}\n\nTap “{button}” to reply."),
        N_("Your report N-000123 is now in progress."),
    ),
    Template(
        "tender",
        "kenesh_tender_alert",
        "utility",
        N_("Kenesh tender alert: {text}\n\nTap “{button}” for the details."),
        N_("New tender T-000045: repair of the school roof. Deadline 20 December."),
    ),
    Template(
        "ngo",
        "kenesh_ngo_application",
        "utility",
        N_("Your NGO application in Kenesh: {text}\n\nTap “{button}” to open the chat."),
        N_("Your NGO has been approved."),
    ),
    Template(
        "broadcast",
        "kenesh_announcement",
        "marketing",
        N_("Announcement from your municipality: {text}\n\nTap “{button}” to open Kenesh."),
        N_("The water will be off on Monday from 9 to 12."),
    ),
    Template(
        "broadcast_report",
        "kenesh_announcement_report",
        "utility",
        N_("Your announcement in Kenesh has gone out: {text}\n\nTap “{button}” to open Kenesh."),
        N_("Sent: 120, delivered: 118, failed: 2."),
    ),
    Template(
        "survey",
        "kenesh_survey",
        "marketing",
        N_(
            "A short Kenesh survey about a service you received: {text}\n\nTap “{button}” to answer."
        ),
        N_("How satisfied are you with the repaired water supply?"),
    ),
)
BY_KIND = {template.kind: template for template in TEMPLATES}


def template_kind(message_kind: str) -> str | None:
    """The template kind of an outbox message kind (tender_published → tender); None for
    replies in a conversation, which are never business-initiated."""
    if message_kind in BY_KIND:
        return message_kind
    prefix = message_kind.split("_", 1)[0]
    return prefix if prefix in BY_KIND and prefix != "broadcast" else None


def parse_names(setting: str) -> dict[str, str]:
    """WHATSAPP_TEMPLATES ("notice=kenesh_notice,tender=…") as {kind: approved name}."""
    names: dict[str, str] = {}
    for part in setting.split(","):
        if not part.strip():
            continue
        kind, found, name = part.partition("=")
        kind, name = kind.strip(), name.strip()
        if not found or kind not in BY_KIND or not re.fullmatch(r"[a-z0-9_]{1,512}", name):
            known = ", ".join(BY_KIND)
            raise ValueError(
                f"WHATSAPP_TEMPLATES: KIND=name pairs, comma-separated; kinds: {known}; "
                "names of lowercase letters, digits and _"
            )
        names[kind] = name
    return names


def flatten(text: str) -> str:
    """A message's text as a template parameter, which may hold no line break, tab or more
    than four spaces in a row."""
    return re.sub(r"\s+", " ", re.sub(r"\s*\n\s*", " · ", text.strip())).strip(" ·")


def body_text(template: Template, language: str) -> str:
    """The template's body for Meta, `{{1}}` standing for the message."""
    tr = translator(language)
    return tr.t(template.body, text="{{1}}", button=tr.t(CONTINUE)[:MAX_QUICK_REPLY])


def parameter(template: Template, language: str, text: str) -> str:
    """The message as the template's parameter, cut at a word so the filled-in body stays
    within 1,024 characters."""
    room = MAX_BODY - (len(body_text(template, language)) - len("{{1}}"))
    return shorten(flatten(text), room - 1)[:room]


def components(template: Template, name: str, language: str, text: str) -> dict[str, Any]:
    """The `template` object of a message sending `text` as the approved template `name`."""
    return {
        "name": name,
        "language": {"code": LANGUAGE_CODES[language]},
        "components": [
            {
                "type": "body",
                "parameters": [{"type": "text", "text": parameter(template, language, text)}],
            },
            {
                "type": "button",
                "sub_type": "quick_reply",
                "index": "0",
                "parameters": [{"type": "payload", "payload": REOPEN}],
            },
        ],
    }


def definitions() -> list[dict[str, Any]]:
    """Every template in every language, as Meta's template manager (the message_templates
    endpoint) takes them."""
    found = []
    for template in TEMPLATES:
        for language in LANGUAGES:
            tr = translator(language)
            found.append(
                {
                    "name": template.name,
                    "category": template.category.upper(),
                    "language": LANGUAGE_CODES[language],
                    "components": [
                        {
                            "type": "BODY",
                            "text": body_text(template, language),
                            "example": {"body_text": [[flatten(tr.t(template.example))]]},
                        },
                        {
                            "type": "BUTTONS",
                            "buttons": [
                                {"type": "QUICK_REPLY", "text": tr.t(CONTINUE)[:MAX_QUICK_REPLY]}
                            ],
                        },
                    ],
                }
            )
    return found
