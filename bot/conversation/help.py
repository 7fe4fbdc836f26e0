"""What the conversation says about itself: the words that work at every step."""

from __future__ import annotations

from bot.conversation.context import Context
from bot.conversation.keywords import shown_keyword
from bot.conversation.steps import Step
from bot.i18n import N_


def help_text(ctx: Context, step: Step) -> str:
    """What the person can write at any step, after the step's own help if it has some."""
    words = {k: shown_keyword(ctx.language, k) for k in ("menu", "back", "cancel", "language")}
    if ctx.caps.compact:  # SMS: the words, and how to stop messages
        return ctx.t(
            N_(
                "Write at any time: {menu} - menu, {back} - back, {language} - language. STOP - no more SMS."
            ),
            menu=words["menu"],
            back=words["back"],
            language=words["language"],
        )
    general = ctx.t(
        N_(
            "Kenesh passes your community's needs to your municipality. You can write at any "
            "time: {menu} — main menu, {back} — previous question, {cancel} — stop what you are "
            "doing, {language} — change language."
        ),
        **words,
    )
    return f"{ctx.t(step.help)}\n\n{general}" if step.help else general
