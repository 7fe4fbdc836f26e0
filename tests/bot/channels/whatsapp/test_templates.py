"""The templates an operator submits to Meta: every kind in every language, within Meta's
rules, printed by `kenesh whatsapp templates`; and the parameters Kenesh fills them with."""

from __future__ import annotations

import json
import re

import pytest

from bot.channels.whatsapp.templates import (
    TEMPLATES,
    body_text,
    components,
    parameter,
    parse_names,
    template_kind,
)
from tests.fakes.whatsapp_limits import check_template
from tests.processes import kenesh


async def test_kenesh_whatsapp_templates_prints_every_kind_in_four_languages(cli_env) -> None:
    done = kenesh(cli_env, "whatsapp", "templates")
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert {(t["name"], t["language"]) for t in printed} == {
        (template.name, code) for template in TEMPLATES for code in ("ky_KG", "ru", "uz", "en")
    }
    for template in printed:
        assert template["category"] in ("UTILITY", "MARKETING")
        body, buttons = template["components"]
        assert body["type"] == "BODY" and len(body["text"]) <= 1024
        assert re.findall(r"\{\{\d+\}\}", body["text"]) == ["{{1}}"]
        # Meta refuses a body that starts or ends with a parameter
        assert not body["text"].startswith("{{") and not body["text"].endswith("}}")
        assert body["example"]["body_text"][0][0]
        [button] = buttons["buttons"]
        assert button["type"] == "QUICK_REPLY" and 0 < len(button["text"]) <= 25


def test_message_kinds_map_to_templates() -> None:
    assert template_kind("tender_published") == "tender"
    assert template_kind("survey_reminder") == "survey"
    assert template_kind("notice") == "notice"
    assert template_kind("broadcast") == "broadcast"
    assert template_kind("reply") is None


def test_the_setting_names_the_approved_templates_and_refuses_nonsense() -> None:
    assert parse_names("tender = t1 , notice=n_2") == {"tender": "t1", "notice": "n_2"}
    with pytest.raises(ValueError, match="WHATSAPP_TEMPLATES"):
        parse_names("tenders=t1")
    with pytest.raises(ValueError, match="WHATSAPP_TEMPLATES"):
        parse_names("tender=Bad Name")


@pytest.mark.parametrize("language", ["ky", "ru", "uz", "en"])
def test_a_long_multi_line_message_becomes_a_parameter_meta_accepts(language: str) -> None:
    template = TEMPLATES[3]  # the broadcast
    text = "Жыйын жума күнү.\n\n\tСаат 10до,    айыл өкмөтүндө.\n" + "Кошумча маалымат. " * 120
    approved = {
        (template.name, code): body_text(template, language) for code in ["ky_KG", "ru", "uz", "en"]
    }
    message = components(template, template.name, language, text)
    problem, filled = check_template(message, approved)
    assert problem is None and len(filled) <= 1024
    value = parameter(template, language, text)
    assert "\n" not in value and "\t" not in value and value.endswith("…")
    assert value.startswith("Жыйын жума күнү. · Саат 10до, айыл өкмөтүндө.")
