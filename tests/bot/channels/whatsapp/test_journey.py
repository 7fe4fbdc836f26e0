"""A resident over WhatsApp only, in each language: buttons, lists, a photo, a location."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from bot.i18n import LANGUAGE_NAMES, translator
from bot.settings import LANGUAGES
from models import Need
from tests.factories import category


@pytest.mark.parametrize("language", LANGUAGES)
async def test_a_resident_reports_a_need_over_whatsapp(wa_bot, wa_user, language: str) -> None:
    tr = translator(language)
    user = wa_user(f"99655520010{LANGUAGES.index(language)}")
    await user.say("Salam")
    await user.press(LANGUAGE_NAMES[language])  # four languages: reply buttons? no: a list
    await user.say("Барпы")
    await user.press(tr.t("Yes"))  # the place is right
    await user.press(tr.t("Yes"))
    await user.press(tr.t("Report a need"))
    await user.press((await category(wa_bot.app, "water")).name(language))
    await user.say("Кудукта суу жок, 40 үй-бүлө суу ташыйт.")
    assert tr.t("If you have a photo, send it now. Otherwise skip this step.") in user.screen
    await user.send_photo(b"\xff\xd8a photo of the well")
    await user.send_location(41.0, 72.9)
    await user.press(tr.t("Yes"))
    reference = re.search(r"N-\d{6}", user.screen).group()
    async with wa_bot.app.sessions() as session:
        need = await session.scalar(select(Need))
    assert need.reference == reference and need.language == language
    assert need.photo_ref.startswith("whatsapp:") and need.latitude == 41.0


async def test_choices_render_within_whatsapp_limits(wa_bot, wa_user) -> None:
    """The fake refuses anything over a limit, so a whole menu walk proves they hold."""
    user = wa_user("996555200200")
    await user.onboard()
    await user.press("Report a need")
    kinds = {m.body.get("interactive", {}).get("type") for m in user.received}
    assert "list" in kinds  # the categories: more than 3
    assert wa_bot.graph.refused == []
