"""Choosing the language: every later message is in it."""

from __future__ import annotations

from typing import Any

from bot.conversation.context import Context
from bot.conversation.flow import Flow
from bot.conversation.messages import Inbound
from bot.conversation.steps import Choose, Option
from bot.i18n import LANGUAGE_NAMES, N_, translator
from bot.settings import LANGUAGES


def language_prompt(ctx: Context) -> str:
    """The question in all four languages, since the person may not read the current one."""
    return "\n".join(translator(language).t(N_("Choose your language")) for language in LANGUAGES)


def _options() -> list[Option]:
    return [
        Option(language, LANGUAGE_NAMES[language], aliases=(language,)) for language in LANGUAGES
    ]


class ChooseLanguage(Choose):
    """Takes effect at once, so the very next question is in the chosen language."""

    def __init__(self) -> None:
        super().__init__("language", language_prompt, _options())

    async def accept(self, ctx: Context, message: Inbound) -> Any:
        value = await super().accept(ctx, message)
        ctx.person.language = value
        return value


async def _finish(ctx: Context) -> str | None:
    ctx.say(ctx.t(N_("Language changed to English.")))
    return None


def build() -> Flow:
    """Change the language from any step; the person returns to where they were."""
    return Flow("language", [ChooseLanguage()], _finish)
